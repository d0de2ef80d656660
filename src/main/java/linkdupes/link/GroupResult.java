package linkdupes.link;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import linkdupes.fs.FileStat;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;

/**
 * What became of one group: each name now linked and to which kept name (for a clone, each
 * file that now shares the kept file's blocks, by its first name), and the bytes freed.
 */
public final class GroupResult {
  private final LinkGroup group;
  private final List<Link> linked;
  private final long bytesFreed;
  private final long diskBytesFreed;
  private final List<FileStat> keptAfterLinking;

  /** A name replaced by a link to {@code kept}: the group's kept file, or a later one on EMLINK. */
  public record Link(Name name, Path kept) {}

  /**
   * @param bytesFreed the sizes of the inodes that lost their last name
   * @param diskBytesFreed the space those inodes occupied on the device
   */
  public GroupResult(LinkGroup group, List<Link> linked, long bytesFreed, long diskBytesFreed) {
    this(group, linked, bytesFreed, diskBytesFreed, List.of());
  }

  /**
   * @param keptAfterLinking each file names were linked to, as seen through a name just after
   *     the last link made to it: its change time moved by this run's links and nothing else
   */
  public GroupResult(LinkGroup group, List<Link> linked, long bytesFreed, long diskBytesFreed,
      List<FileStat> keptAfterLinking) {
    this.group = group;
    this.linked = linked;
    this.bytesFreed = bytesFreed;
    this.diskBytesFreed = diskBytesFreed;
    this.keptAfterLinking = keptAfterLinking;
  }

  /**
   * The attributes of each file linked to after this run's last link to it (a later change
   * moves its change time away from these), so the cache can keep what was read of it.
   */
  public List<FileStat> keptAfterLinking() {
    return keptAfterLinking;
  }

  /**
   * A dry run's result: everything as planned. Its links are made when asked for, so a dry run
   * over a million duplicates holds no object per name.
   */
  public static GroupResult planned(LinkGroup group) {
    return new GroupResult(group, null, group.bytesToFree(), group.diskBytesToFree());
  }

  public LinkGroup group() {
    return group;
  }

  public long bytesFreed() {
    return bytesFreed;
  }

  /** The space the file system got back (or would): blocks of the inodes freed. */
  public long diskBytesFreed() {
    return diskBytesFreed;
  }

  /** The number of names linked (or to link, in a dry run); of a clone, files cloned. */
  public long linkedCount() {
    return linked != null ? linked.size() : group.namesToLink();
  }

  public List<Link> linked() {
    if (linked != null) {
      return linked;
    }
    Path kept = group.kept().firstName().path();
    List<Inode> dups = group.duplicates();
    if (group.isClone()) { // one file each; a loop, not a stream, as below
      List<Link> cloned = new java.util.ArrayList<>(dups.size());
      for (Inode d : dups) {
        cloned.add(new Link(d.firstName(), kept));
      }
      return cloned;
    }
    int total = (int) group.namesToLink();
    return new AbstractList<>() {
      @Override
      public Link get(int index) {
        int i = index;
        for (Inode dup : dups) {
          if (i < dup.nameCount()) {
            return new Link(dup.names().get(i), kept);
          }
          i -= dup.nameCount();
        }
        throw new IndexOutOfBoundsException(index);
      }

      // a loop, not a stream: this runs once per group of a report, mostly while the code is
      // still cold; with a stream per group, a -v run over /usr/share took 62-93 ms longer
      // (two batches of 30-40 runs, alternating builds)
      @Override
      public Iterator<Link> iterator() {
        return new Iterator<>() {
          private int dup;
          private int name;

          @Override
          public boolean hasNext() {
            while (dup < dups.size() && name == dups.get(dup).nameCount()) {
              dup++;
              name = 0;
            }
            return dup < dups.size();
          }

          @Override
          public Link next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return new Link(dups.get(dup).names().get(name++), kept);
          }
        };
      }

      @Override
      public int size() {
        return total;
      }
    };
  }
}
