package linkdupes.group;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.scan.FileTable;

/**
 * A file's content as stored once on a device: its attributes when scanned and every name of
 * it found under the roots. The attributes and names are rows of the walk's {@link FileTable};
 * an inode adds only their row numbers.
 */
public final class Inode implements Attributes.Sink {
  private final FileTable table;
  private final int row;
  /** Rows of further names, or null: most inodes have one name. */
  private int[] more;
  /** The bytes its blocks occupy, once read (fs.Attributes); else -1. */
  private long allocated = -1;
  /** Its attributes' fingerprint (fs.Attributes), once read. */
  private long attributes;
  /** Its attributes were read by this run (not given by the cache, and readable). */
  private boolean attributesRead;
  /** Who can reach it through the folders above its names (fs.FolderAccess), once worked out. */
  private long access;

  /** The inode of {@code row}, with that row as its first name. */
  public Inode(FileTable table, int row) {
    this.table = table;
    this.row = row;
  }

  public FileStat stat() {
    return table.stat(row);
  }

  /** Its access time as the walk saw it, or {@link FileTable#UNKNOWN}. */
  public long atimeNanos() {
    return table.atimeNanos(row);
  }

  /**
   * True when its attributes were read and it has none: no extended attribute, no flag. Means
   * that only where the run compares attributes; read without comparing, they give none.
   */
  public boolean hasNoAttributes() {
    return allocated >= 0 && attributes == linkdupes.fs.Attributes.NONE;
  }

  public long size() {
    return table.size(row);
  }

  public long ino() {
    return table.ino(row);
  }

  public long dev() {
    return table.dev(row);
  }

  public long mtimeNanos() {
    return table.mtimeNanos(row);
  }

  public int nlink() {
    return table.nlink(row);
  }

  /** Every name found, in the order found (each made when asked for). */
  public List<Name> names() {
    return new AbstractList<>() {
      @Override
      public Name get(int index) {
        return new Name(table, index == 0 ? row : more[index - 1]);
      }

      @Override
      public int size() {
        return nameCount();
      }
    };
  }

  public int nameCount() {
    return more == null ? 1 : 1 + more.length;
  }

  /** Adds another row of the table as a name of this inode. */
  public void addRow(int other) {
    more = more == null ? new int[] {other} : Arrays.copyOf(more, more.length + 1);
    more[more.length - 1] = other;
  }

  /**
   * The bytes the inode occupies on its device, which the file system gets back when its last
   * name goes: less than its size when sparse, none for data kept inline. Its size where that
   * was not read.
   */
  public long allocatedBytes() {
    return allocated >= 0 ? allocated : size();
  }

  /** Its extended attributes and flags as one number, once read; else 0. */
  public long attributes() {
    return attributes;
  }

  /**
   * Its attributes could not be read: {@code unique}, a fingerprint no other inode has, keeps
   * it apart from all others.
   */
  public void attributesUnreadable(long unique) {
    attributes = unique;
    allocated = size();
  }

  /**
   * Its attributes will never be compared: each file keeps its own (a clone run), so they are
   * not read with its bytes.
   */
  public void attributesNotNeeded() {
    allocated = size();
  }

  /** Who can reach it through its names' folders, as one number (0 until worked out). */
  public long access() {
    return access;
  }

  public void access(long who) {
    access = who;
  }

  @Override
  public boolean wantsAttributes() {
    return allocated < 0;
  }

  @Override
  public void attributes(Attributes.Found found) {
    known(found);
    attributesRead = true;
  }

  /** Its attributes as an earlier run read them, when it has not changed since (the cache). */
  public void attributesKnown(Attributes.Found found) {
    known(found);
  }

  private void known(Attributes.Found found) {
    attributes = found.fingerprint();
    allocated = found.allocatedBytes();
  }

  /** The attributes this run read of it, for the cache to keep; null when none were read. */
  public Attributes.Found attributesRead() {
    return attributesRead ? new Attributes.Found(attributes, allocated) : null;
  }

  /**
   * The names split by {@code part}: one inode object for each value, holding the names that
   * have it, in the order of their first names; just this one when all names have one value.
   * Each part has the names of the others outside it ({@link #hasOutsideNames}).
   */
  public Map<Long, Inode> partsBy(ToLongFunction<Name> part) {
    long first = part.applyAsLong(firstName());
    Map<Long, Inode> parts = new LinkedHashMap<>();
    parts.put(first, this);
    if (more == null) {
      return parts;
    }
    long[] of = new long[more.length];
    boolean one = true;
    for (int i = 0; i < more.length; i++) {
      of[i] = part.applyAsLong(new Name(table, more[i]));
      one &= of[i] == first;
    }
    if (one) {
      return parts;
    }
    parts.put(first, new Inode(table, row));
    for (int i = 0; i < more.length; i++) {
      Inode p = parts.get(of[i]);
      if (p == null) {
        parts.put(of[i], new Inode(table, more[i]));
      } else {
        p.addRow(more[i]);
      }
    }
    return parts;
  }

  /** The name read and linked to: the first found. */
  public Name firstName() {
    return new Name(table, row);
  }

  /** True when the inode has names the scan did not see, so replacing ours frees nothing. */
  public boolean hasOutsideNames() {
    return nlink() > nameCount();
  }
}
