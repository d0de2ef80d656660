package linkdupes.group;

import java.nio.file.Path;
import java.util.Objects;
import linkdupes.scan.FileTable;

/**
 * One name of an inode, with the index of the root it was found under. A name held by the
 * walk's {@link FileTable} is only a row number; its path is made when asked for.
 */
public final class Name {
  private final FileTable table;
  private final int row;
  private final Path path;
  private final int root;

  public Name(Path path, int root) {
    this.table = null;
    this.row = -1;
    this.path = path;
    this.root = root;
  }

  Name(FileTable table, int row) {
    this.table = table;
    this.row = row;
    this.path = null;
    this.root = table.root(row);
  }

  public Path path() {
    return path != null ? path : table.path(row);
  }

  /** {@code path().getParent()}, without building the path for a name of the walk's table. */
  public Path parent() {
    return path != null ? path.getParent() : table.parent(row);
  }

  public int root() {
    return root;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Name n)) {
      return false;
    }
    if (table != null && table == n.table) {
      return row == n.row;
    }
    return root == n.root && path().equals(n.path());
  }

  @Override
  public int hashCode() {
    return Objects.hash(path(), root);
  }

  @Override
  public String toString() {
    return "Name[path=" + path() + ", root=" + root + "]";
  }
}
