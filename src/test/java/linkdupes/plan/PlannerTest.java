package linkdupes.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linkdupes.fs.FileStat;
import linkdupes.group.ContentGroup;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.group.TestInodes;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final byte[] DIGEST = {1, 2, 3};
  private long nextIno = 100;

  /** An inode of 1000 bytes with the given names, links, time and mode. */
  private Inode inode(long dev, int nlink, long mtime, int mode, int uid, String... names) {
    Inode i = TestInodes.of(new FileStat(dev, nextIno++, 1000, mtime, mtime, 0100000 | mode,
        uid, uid, nlink), Arrays.stream(names)
        .map(n -> new Name(Path.of(n), n.startsWith("r1/") ? 1 : 0)).toArray(Name[]::new));
    return i;
  }

  /** Groups of equal content, as the reading stages hand them to the planner. */
  @SafeVarargs
  private static List<ContentGroup> same(List<Inode>... groups) {
    List<ContentGroup> out = new ArrayList<>();
    for (List<Inode> g : groups) {
      out.add(new ContentGroup(g, DIGEST));
    }
    return out;
  }

  private Inode file(String name) {
    return inode(1, 1, 50, 0644, 1000, name);
  }

  @Test
  void keepsTheInodeWithTheMostLinks() {
    Inode single = file("a");
    Inode pair = inode(1, 2, 50, 0644, 1000, "b", "c");
    LinkPlan plan = new Planner(Policy.DEFAULT).plan(same(List.of(single, pair)));
    assertEquals(1, plan.groups().size());
    assertSame(pair, plan.groups().get(0).kept());
    assertEquals(1, plan.namesToLink());
    assertEquals(1000, plan.bytesToFree());
  }

  @Test
  void keepsAnInodeWithNamesOutsideTheTreeSinceItCannotBeFreed() {
    Inode inside = inode(1, 3, 50, 0644, 1000, "a", "b", "c");
    Inode outside = inode(1, 2, 50, 0644, 1000, "d");
    LinkPlan plan = new Planner(Policy.DEFAULT).plan(same(List.of(inside, outside)));
    assertSame(outside, plan.groups().get(0).kept());
    assertEquals(3, plan.namesToLink());
    assertEquals(1000, plan.bytesToFree());
  }

  @Test
  void freesNothingForADuplicateThatKeepsNamesOutsideTheTree() {
    Inode kept = inode(1, 3, 10, 0644, 1000, "a", "b", "c");
    Inode outside = inode(1, 2, 50, 0644, 1000, "d");
    Inode alsoOutside = inode(1, 2, 60, 0644, 1000, "e");
    LinkPlan plan = new Planner(Policy.DEFAULT).plan(same(List.of(kept, outside, alsoOutside)));
    LinkGroup g = plan.groups().get(0);
    assertSame(outside, g.kept(), "an outside-linked inode is kept, the oldest of them");
    assertEquals(1000, g.bytesToFree(), "only the whole inode is freed");
    assertEquals(1, g.duplicatesWithOutsideNames());
  }

  @Test
  void keepsTheOldestByDefaultAndTheNewestWhenAsked() {
    Inode old = inode(1, 1, 10, 0644, 1000, "x");
    Inode young = inode(1, 1, 20, 0644, 1000, "y");
    assertSame(old, new Planner(Policy.DEFAULT).plan(same(List.of(young, old)))
        .groups().get(0).kept());
    Policy newest = new Policy(false, false, false, true);
    assertSame(young, new Planner(newest).plan(same(List.of(old, young)))
        .groups().get(0).kept());
  }

  /**
   * A clone keeps every file's metadata: none of it parts files, and the file made first (its
   * inode number) keeps its blocks, whatever the times, links or names.
   */
  @Test
  void aCloneKeepsTheFileMadeFirstAndPartsNoneForTheirMetadata() {
    Inode made = inode(1, 1, 90, 0600, 1000, "z");
    Inode older = inode(1, 1, 10, 0644, 0, "a");
    Inode linked = inode(1, 3, 50, 0755, 1000, "b", "c", "d");
    LinkPlan plan = Planner.forClones().plan(same(List.of(linked, older, made)));
    assertEquals(1, plan.groups().size());
    assertSame(made, plan.groups().get(0).kept());
    assertEquals(List.of(older, linked), plan.groups().get(0).duplicates());
  }

  @Test
  void breaksTiesByRootGivenFirstThenPath() {
    Inode laterRoot = file("r1/a");
    Inode firstRootB = file("b");
    Inode firstRootC = file("c");
    LinkPlan plan = new Planner(Policy.DEFAULT)
        .plan(same(List.of(laterRoot, firstRootC, firstRootB)));
    assertSame(firstRootB, plan.groups().get(0).kept());
  }

  @Test
  void neverMergesFilesWithOtherPermissionsOrOwners() {
    Inode a = inode(1, 1, 10, 0644, 1000, "a");
    Inode b = inode(1, 1, 10, 0444, 1000, "b");
    Inode c = inode(1, 1, 10, 0644, 1001, "c");
    LinkPlan plan = new Planner(Policy.DEFAULT).plan(same(List.of(a, b, c)));
    assertTrue(plan.groups().isEmpty());
    assertEquals(2, plan.leftOtherMetadata());
  }

  @Test
  void mergesOtherPermissionsAndOwnersWhenAsked() {
    Inode a = inode(1, 1, 10, 0644, 1000, "a");
    Inode b = inode(1, 1, 10, 0444, 1001, "b");
    LinkPlan plan = new Planner(new Policy(true, true, false, false))
        .plan(same(List.of(a, b)));
    assertEquals(1, plan.groups().size());
    assertEquals(0, plan.leftOtherMetadata());
  }

  @Test
  void respectsModificationTimesOnlyWhenAsked() {
    Inode a = inode(1, 1, 10, 0644, 1000, "a");
    Inode b = inode(1, 1, 20, 0644, 1000, "b");
    assertEquals(1, new Planner(Policy.DEFAULT).plan(same(List.of(a, b))).groups().size());
    LinkPlan strict = new Planner(new Policy(false, false, true, false))
        .plan(same(List.of(a, b)));
    assertTrue(strict.groups().isEmpty());
    assertEquals(1, strict.leftOtherMetadata());
  }

  @Test
  void neverLinksAcrossDevicesAndCountsWhatWasLeft() {
    Inode a1 = inode(1, 1, 10, 0644, 1000, "a1");
    Inode a2 = inode(1, 1, 10, 0644, 1000, "a2");
    Inode b1 = inode(2, 1, 10, 0644, 1000, "b1");
    LinkPlan plan = new Planner(Policy.DEFAULT).plan(same(List.of(a1, b1, a2)));
    assertEquals(1, plan.groups().size());
    LinkGroup g = plan.groups().get(0);
    assertEquals(1, g.kept().stat().dev());
    assertEquals(1, g.duplicates().size());
    assertEquals(1, g.duplicates().get(0).stat().dev());
    assertEquals(1, plan.leftOtherDevice());
  }

  @Test
  void ordersGroupsLargestSavingFirst() {
    Inode small1 = file("s1");
    Inode small2 = file("s2");
    Inode big1 = file("b1");
    Inode big2 = file("b2");
    Inode big3 = file("b3");
    LinkPlan plan = new Planner(Policy.DEFAULT)
        .plan(same(List.of(small1, small2), List.of(big1, big2, big3)));
    assertEquals(2000, plan.groups().get(0).bytesToFree());
    assertEquals(1000, plan.groups().get(1).bytesToFree());
  }
}
