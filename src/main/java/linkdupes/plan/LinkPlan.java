package linkdupes.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run will do: the groups to link, and the names left apart although their content has
 * a twin (other permission bits, owner or time under the policy; another device).
 */
public record LinkPlan(List<LinkGroup> groups, long leftOtherMetadata, long leftOtherDevice) {

  /**
   * The plan's figures for the report: groups; duplicates that keep names outside the scanned
   * trees, so that linking them frees nothing; names left apart, by reason.
   */
  public record Counts(long groups, long withOutsideNames, long leftOtherMetadata,
      long leftOtherDevice) {}

  /**
   * This plan with {@code more} groups in it, largest first as the planner orders them (the
   * clone groups of a run that also links).
   */
  public LinkPlan with(List<LinkGroup> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<LinkGroup> all = new ArrayList<>(groups);
    all.addAll(more);
    Planner.sortLargestFirst(all);
    return new LinkPlan(List.copyOf(all), leftOtherMetadata, leftOtherDevice);
  }

  /**
   * This plan with no file given more than {@code maxLinks} names: each group of hard links
   * cut, in its order, into groups whose kept file takes as many duplicates (all their names)
   * as its links leave room for; the duplicate that does not fit is kept for those after it.
   * Ten single files and a limit of 3 end as four files. Clones are left as they are.
   */
  public LinkPlan capped(int maxLinks) {
    List<LinkGroup> all = new ArrayList<>(groups.size());
    for (LinkGroup g : groups) {
      if (g.isClone()) {
        all.add(g);
        continue;
      }
      var kept = g.kept();
      long room = maxLinks - kept.nlink();
      List<linkdupes.group.Inode> dups = new ArrayList<>();
      for (var d : g.duplicates()) {
        if (d.nameCount() <= room) {
          dups.add(d);
          room -= d.nameCount();
        } else {
          if (!dups.isEmpty()) {
            all.add(new LinkGroup(kept, List.copyOf(dups), g.digest(), g.compared()));
          }
          kept = d;
          room = maxLinks - d.nlink();
          dups.clear();
        }
      }
      if (!dups.isEmpty()) {
        all.add(new LinkGroup(kept, List.copyOf(dups), g.digest(), g.compared()));
      }
    }
    Planner.sortLargestFirst(all);
    return new LinkPlan(List.copyOf(all), leftOtherMetadata, leftOtherDevice);
  }

  /** Names to be replaced by a link to their group's kept inode. */
  public long namesToLink() {
    return groups.stream().mapToLong(LinkGroup::namesToLink).sum();
  }

  /** Bytes freed when every name is linked. */
  public long bytesToFree() {
    return groups.stream().mapToLong(LinkGroup::bytesToFree).sum();
  }

  public Counts counts() {
    return new Counts(groups.size(),
        groups.stream().mapToLong(LinkGroup::duplicatesWithOutsideNames).sum(),
        leftOtherMetadata, leftOtherDevice);
  }
}
