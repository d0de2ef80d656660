package linkdupes.group;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import linkdupes.report.Problems;
import linkdupes.report.Tally;
import linkdupes.scan.FileStat;
import linkdupes.scan.FoundFile;

/**
 * The grouping stages: by size, then by inode (names of one inode are one candidate), then by
 * any key. A group moves on only while it holds two or more distinct inodes.
 */
public final class Grouping {
  private Grouping() {}

  /** Files that share their size with another file; no other file can have a duplicate. */
  public static List<List<FoundFile>> bySize(List<FoundFile> files) {
    Map<Long, List<FoundFile>> bySize = new HashMap<>();
    for (FoundFile f : files) {
      bySize.computeIfAbsent(f.size(), k -> new ArrayList<>(2)).add(f);
    }
    List<List<FoundFile>> groups = new ArrayList<>();
    for (List<FoundFile> g : bySize.values()) {
      if (g.size() >= 2) {
        groups.add(g);
      }
    }
    return groups;
  }

  private record InodeKey(long dev, long ino) {}

  /**
   * Reads each name's attributes and merges names of one inode. With {@code canonical} (when
   * symlinks were followed) names are taken by their real path, so a file reached through a
   * link counts once.
   */
  public static List<List<Inode>> byInode(
      List<List<FoundFile>> sizeGroups, boolean canonical, Problems problems, Tally tally) {
    List<List<Inode>> out = new ArrayList<>();
    for (List<FoundFile> group : sizeGroups) {
      Map<InodeKey, Inode> inodes = new LinkedHashMap<>();
      Set<Path> seen = canonical ? new HashSet<>() : null;
      for (FoundFile f : group) {
        Path path = f.path();
        FileStat st;
        try {
          if (canonical) {
            path = path.toRealPath();
            if (!seen.add(path)) {
              continue;
            }
          }
          // the walk's own stat when it had one, unless names are made real (then stat again)
          st = f.stat() != null && !canonical ? f.stat() : FileStat.of(path);
        } catch (NoSuchFileException e) {
          tally.changed.incrementAndGet();
          continue;
        } catch (IOException e) {
          tally.unreadable.incrementAndGet();
          problems.error("cannot read", path, e);
          continue;
        }
        if (!st.isRegularFile() || st.size() != f.size()) {
          tally.changed.incrementAndGet();
          continue;
        }
        inodes.computeIfAbsent(new InodeKey(st.dev(), st.ino()), k -> new Inode(st))
            .addName(new Name(path, f.root()));
      }
      if (inodes.size() >= 2) {
        out.add(new ArrayList<>(inodes.values()));
      }
    }
    return out;
  }

  /** Splits each group by a key; a part with fewer than two inodes is dropped. */
  public static <K> List<List<Inode>> regroup(
      List<List<Inode>> groups, Function<Inode, K> key) {
    List<List<Inode>> out = new ArrayList<>();
    for (List<Inode> group : groups) {
      Map<K, List<Inode>> parts = new LinkedHashMap<>();
      for (Inode inode : group) {
        K k = key.apply(inode);
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
    return out;
  }
}
