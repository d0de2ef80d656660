package linkdupes.group;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import linkdupes.base.InodeIndex;
import linkdupes.base.RunContext;
import linkdupes.fs.FileStat;
import linkdupes.scan.FileTable;

/**
 * The grouping stages: by size, then by inode (names of one inode are one candidate), then by
 * any key. A group moves on only while it holds two or more distinct inodes.
 */
public final class Grouping {
  private Grouping() {}

  /**
   * Rows of files that share their size with another file, one array per size; no other file
   * can have a duplicate. The table's rows are sorted by size without an object per row.
   */
  public static List<int[]> bySize(FileTable table) {
    int n = table.rows();
    int[] rows = new int[n];
    for (int r = 0; r < n; r++) {
      rows[r] = r;
    }
    RowSort.bySize(rows, table);
    List<int[]> groups = new ArrayList<>();
    int start = 0;
    while (start < n) {
      long size = table.size(rows[start]);
      int end = start + 1;
      while (end < n && table.size(rows[end]) == size) {
        end++;
      }
      if (end - start >= 2) {
        groups.add(Arrays.copyOfRange(rows, start, end));
      }
      start = end;
    }
    return groups;
  }

  /** Groups up to this many rows find a row's inode by a search, not through a map. */
  private static final int SEARCHED = 16;

  /**
   * Merges names of one inode, within each group of rows of one size. With {@code canonical}
   * (when symlinks were followed) names are taken by their real path, so a file reached
   * through a link counts once. Each group is dropped from {@code sizeGroups} once read.
   */
  public static List<List<Inode>> byInode(FileTable table, List<int[]> sizeGroups,
      boolean canonical, RunContext run) {
    return byInode(table, sizeGroups, canonical, null, run);
  }

  /**
   * As {@link #byInode(FileTable, List, boolean, RunContext)}; with {@code canonical}, a name
   * whose real path lies outside every one of {@code realRoots} (reached through a symlink
   * that was followed) is left out: it is never replaced. Its inode then has a name the run
   * does not hold, so replacing the others frees nothing, and it stays in its group only
   * through names inside the roots.
   */
  public static List<List<Inode>> byInode(FileTable table, List<int[]> sizeGroups,
      boolean canonical, List<Path> realRoots, RunContext run) {
    List<List<Inode>> out = new ArrayList<>();
    for (int g = 0; g < sizeGroups.size(); g++) {
      int[] group = sizeGroups.get(g);
      sizeGroups.set(g, null);
      // inodes in the order their first name was found
      List<Inode> inodes = new ArrayList<>();
      // a large group finds a row's inode through an index of ints, no object per row, where
      // a map made a key and an entry for each (about 120 MB of garbage over 1.4 million files)
      InodeIndex index = group.length > SEARCHED ? new InodeIndex(group.length) : null;
      Set<Path> seen = canonical ? new HashSet<>() : null;
      for (int row : group) {
        if (canonical) {
          row = canonicalRow(table, row, seen, realRoots, run);
          if (row < 0) {
            continue;
          }
        }
        long dev = table.dev(row);
        long ino = table.ino(row);
        Inode inode = null;
        if (index != null) {
          int known = index.size();
          int i = index.add(dev, ino); // in the order of the list below
          inode = i < known ? inodes.get(i) : null;
        } else {
          for (Inode known : inodes) {
            if (known.ino() == ino && known.dev() == dev) {
              inode = known;
              break;
            }
          }
        }
        if (inode == null) {
          inode = new Inode(table, row);
          inodes.add(inode);
        } else {
          inode.addRow(row);
        }
      }
      if (inodes.size() >= 2) {
        out.add(inodes);
      }
    }
    return out;
  }

  /**
   * The row of the file's real path, stat'ed again, added to the table; -1 when it was seen
   * already or is gone, changed or unreadable.
   */
  private static int canonicalRow(FileTable table, int row, Set<Path> seen,
      List<Path> realRoots, RunContext run) {
    Path path = table.path(row);
    try {
      path = path.toRealPath();
      if (!seen.add(path) || (realRoots != null && !insideAny(path, realRoots))) {
        return -1;
      }
      FileStat st = FileStat.of(path);
      if (!st.isRegularFile() || st.size() != table.size(row)) {
        run.tally().changed.incrementAndGet();
        return -1;
      }
      return table.add(path, table.root(row), st);
    } catch (NoSuchFileException e) {
      run.tally().changed.incrementAndGet();
      return -1;
    } catch (IOException e) {
      run.tally().unreadable.incrementAndGet();
      run.problems().error("cannot read", path, e);
      return -1;
    }
  }

  private static boolean insideAny(Path realPath, List<Path> realRoots) {
    for (Path root : realRoots) {
      if (realPath.startsWith(root)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Splits each group by a key; a part with fewer than two inodes is dropped, and so is an
   * inode whose key is null. {@code keys} holds one key per inode of {@code groups}, in order.
   */
  public static <K> List<List<Inode>> regroup(List<List<Inode>> groups, List<K> keys) {
    List<List<Inode>> out = new ArrayList<>();
    int at = 0;
    for (List<Inode> group : groups) {
      Map<K, List<Inode>> parts = new LinkedHashMap<>();
      for (Inode inode : group) {
        K k = keys.get(at++);
        if (k != null) {
          parts.computeIfAbsent(k, x -> new ArrayList<>(2)).add(inode);
        }
      }
      for (List<Inode> part : parts.values()) {
        if (part.size() >= 2) {
          out.add(part);
        }
      }
    }
    if (at != keys.size()) {
      throw new IllegalArgumentException(keys.size() + " keys for " + at + " inodes");
    }
    return out;
  }
}
