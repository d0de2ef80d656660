package linkdupes.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import linkdupes.fs.FileStat;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.group.TestInodes;
import linkdupes.plan.LinkGroup;
import linkdupes.scan.FileTable;
import org.junit.jupiter.api.Test;

class GroupResultTest {
  private static FileStat stat(long ino) {
    return new FileStat(1, ino, 10, 0, 0, 0100644, 0, 0, 1);
  }

  @Test
  void aDryRunListsEveryNameOfEveryDuplicateInOrderByIterationAndByIndex() {
    FileTable table = new FileTable();
    Inode kept = TestInodes.of(table, stat(1), List.of(new Name(Path.of("k"), 0)));
    Inode one = TestInodes.of(table, stat(2), List.of(new Name(Path.of("a1"), 0)));
    Inode three = TestInodes.of(table, stat(3), List.of(new Name(Path.of("b1"), 0),
        new Name(Path.of("d/b2"), 0), new Name(Path.of("b3"), 1)));
    Inode two = TestInodes.of(table, stat(4), List.of(new Name(Path.of("c1"), 0),
        new Name(Path.of("c2"), 0)));
    GroupResult r = GroupResult.planned(new LinkGroup(kept, List.of(one, three, two), null));

    List<String> iterated = new ArrayList<>();
    for (GroupResult.Link l : r.linked()) {
      iterated.add(l.name().path() + " -> " + l.kept());
    }
    List<String> indexed = new ArrayList<>();
    for (int i = 0; i < r.linked().size(); i++) {
      GroupResult.Link l = r.linked().get(i);
      indexed.add(l.name().path() + " -> " + l.kept());
    }
    List<String> expected = List.of("a1 -> k", "b1 -> k", "d/b2 -> k", "b3 -> k", "c1 -> k",
        "c2 -> k");
    assertEquals(expected, iterated);
    assertEquals(expected, indexed);
    assertEquals(6, r.linkedCount());

    Iterator<GroupResult.Link> it = r.linked().iterator();
    for (int i = 0; i < 6; i++) {
      it.next();
    }
    assertFalse(it.hasNext());
    assertThrows(NoSuchElementException.class, it::next);
  }
}
