package linkdupes.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linkdupes.base.Paths;
import linkdupes.link.GroupResult;

/**
 * Where the duplicates are: for each pair of directories, the bytes and names shared between
 * them, one entry per name linked (its directory paired with that of the name it was linked
 * to). A pair is unordered; a name linked within its own directory pairs the directory with
 * itself. Memory grows with the number of distinct pairs, not with the names.
 */
final class DirectoryPairs {
  /** Two directories as displayed, {@code a} not after {@code b}. */
  record Pair(String a, String b) {
    static Pair of(String x, String y) {
      return x.compareTo(y) <= 0 ? new Pair(x, y) : new Pair(y, x);
    }

    boolean within() {
      return a.equals(b);
    }
  }

  /** One pair's totals. */
  static final class Shared {
    final Pair pair;
    long bytes;
    long files;

    Shared(Pair pair) {
      this.pair = pair;
    }
  }

  /** Largest bytes first, then by the paths. */
  static final Comparator<Shared> ORDER = Comparator.<Shared>comparingLong(s -> -s.bytes)
      .thenComparing(s -> s.pair.a()).thenComparing(s -> s.pair.b());

  private final Path base;
  private final Path realBase;
  private final Map<Path, String> shown = new HashMap<>();
  /**
   * The pairs by their first directory, then their second: two maps of strings rather than
   * one keyed by the pair, whose generated equals would cost a run's first use 17-47 ms.
   */
  private final Map<String, Map<String, Shared>> pairs = new HashMap<>();

  /** With one root, directories are shown relative to it; with several, as found. */
  DirectoryPairs(List<Path> roots) {
    Path b = null;
    Path real = null;
    if (roots.size() == 1) {
      b = roots.get(0).normalize();
      if (b.toString().isEmpty()) {
        b = Path.of(".");
      }
      try {
        real = roots.get(0).toRealPath();
      } catch (IOException | SecurityException e) {
        real = null;
      }
    }
    this.base = b;
    this.realBase = real;
  }

  void addAll(List<GroupResult> groups) {
    addAll(groups, null, null);
  }

  /**
   * As {@link #addAll(List)}, and into {@code byFolder} (when given) each linked name's folder
   * with its share of what its group frees ({@code freed}): bytes, then names.
   */
  void addAll(List<GroupResult> groups, java.util.function.ToLongFunction<GroupResult> freed,
      Map<String, long[]> byFolder) {
    Path kept = null;
    String keptDir = null;
    for (GroupResult g : groups) {
      long size = g.group().size();
      List<GroupResult.Link> links = g.linked();
      long each = byFolder == null || links.isEmpty() ? 0 : freed.applyAsLong(g) / links.size();
      long rest = byFolder == null ? 0 : freed.applyAsLong(g) - each * links.size();
      for (GroupResult.Link link : links) {
        if (link.kept() != kept) { // one kept file for most groups: its directory looked up once
          kept = link.kept();
          keptDir = directory(kept.getParent());
        }
        // the name's directory as the walk holds it: no path is built per name
        String dir = directory(link.name().parent());
        if (byFolder != null) {
          long[] v = byFolder.computeIfAbsent(dir, k -> new long[2]);
          v[0] += each + rest;
          rest = 0;
          v[1]++;
        }
        Pair p = Pair.of(keptDir, dir);
        Map<String, Shared> withA = pairs.computeIfAbsent(p.a(), a -> new HashMap<>());
        Shared s = withA.get(p.b());
        if (s == null) {
          s = new Shared(p);
          withA.put(p.b(), s);
        }
        s.bytes += size;
        s.files++;
      }
    }
  }

  /** Every pair, largest first. */
  List<Shared> sorted() {
    List<Shared> list = new ArrayList<>();
    for (Map<String, Shared> withA : pairs.values()) {
      list.addAll(withA.values());
    }
    list.sort(ORDER);
    return list;
  }

  /** A folder as the report shows it: relative to the one root, else as found. */
  String directory(Path parent) {
    Path dir = parent;
    if (dir == null) {
      dir = Path.of(".");
    }
    return shown.computeIfAbsent(dir, this::show);
  }

  private String show(Path dir) {
    Path rel = relative(dir, base);
    if (rel == null) {
      rel = relative(dir, realBase);
    }
    Path p = rel == null ? dir : rel.toString().isEmpty() ? Path.of(".") : rel;
    return Paths.display(p);
  }

  private static Path relative(Path dir, Path root) {
    if (root == null) {
      return null;
    }
    if (root.equals(Path.of(".")) && !dir.isAbsolute()) {
      return dir.normalize();
    }
    return dir.startsWith(root) ? root.relativize(dir) : null;
  }
}
