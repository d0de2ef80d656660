package linkdupes.group;

import java.nio.file.Path;
import java.util.List;
import linkdupes.fs.FileStat;
import linkdupes.scan.FileTable;

/** Inodes made for tests: each name a row of a table of its own, all with the given stat. */
public final class TestInodes {
  private TestInodes() {}

  public static Inode of(FileStat stat, Name... names) {
    return of(new FileTable(), stat, List.of(names));
  }

  public static Inode of(FileTable table, FileStat stat, List<Name> names) {
    Inode inode = new Inode(table, table.add(names.get(0).path(), names.get(0).root(), stat));
    for (Name n : names.subList(1, names.size())) {
      inode.addRow(table.add(n.path(), n.root(), stat));
    }
    return inode;
  }

  /** An inode with a single name made up from its inode number. */
  public static Inode of(FileStat stat) {
    return of(stat, new Name(Path.of("f" + stat.ino()), 0));
  }

  /** The paths of every row of a table, in row order. */
  public static List<Path> paths(FileTable table) {
    return java.util.stream.IntStream.range(0, table.rows()).mapToObj(table::path).toList();
  }
}
