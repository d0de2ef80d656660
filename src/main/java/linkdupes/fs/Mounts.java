package linkdupes.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mounts that paths are under, from {@code /proc/self/mountinfo}. link(2) refuses to link
 * across two mounts even of one file system (a bind mount of a folder is another mount, with
 * the same device number): names are linkable only within one mount.
 */
public final class Mounts {
  /** A mount: its id, and where it is mounted (a real path). */
  private record Mount(long id, Path point) {}

  /** The mounts, the ones mounted later (over the earlier) first, deeper points first. */
  private final List<Mount> mounts;
  /** The ids of the mounts names under the roots can be in. */
  private final long distinct;

  private Mounts(List<Mount> mounts, long distinct) {
    this.mounts = mounts;
    this.distinct = distinct;
  }

  /** No mount known: every path is in mount 0. */
  public static final Mounts NONE = new Mounts(List.of(), 0);

  /**
   * The mounts of this process's namespace that any of {@code realRoots} is under or has
   * under it; {@link #NONE} where they cannot be read (another system).
   */
  public static Mounts of(List<Path> realRoots) {
    byte[] info;
    try {
      info = Files.readAllBytes(Path.of("/proc/self/mountinfo"));
    } catch (IOException | RuntimeException e) {
      return NONE;
    }
    return parse(info, realRoots);
  }

  static Mounts parse(byte[] info, List<Path> realRoots) {
    List<Mount> found = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= info.length; i++) {
      if (i == info.length || info[i] == '\n') {
        Mount m = line(Arrays.copyOfRange(info, start, i));
        if (m != null && touches(m.point(), realRoots)) {
          found.add(m);
        }
        start = i + 1;
      }
    }
    // a later mount on the same point hides the earlier one: it must be found first
    List<Mount> ordered = new ArrayList<>();
    for (int i = found.size() - 1; i >= 0; i--) {
      ordered.add(found.get(i));
    }
    ordered.sort((a, b) -> Integer.compare(b.point().getNameCount(), a.point().getNameCount()));
    Mounts all = new Mounts(List.copyOf(ordered), 0);
    // the mount each root is in, and every mount inside a root
    java.util.Set<Long> ids = new java.util.HashSet<>();
    for (Path r : realRoots) {
      ids.add(all.of(r));
    }
    for (Mount m : ordered) {
      for (Path r : realRoots) {
        if (m.point().startsWith(r) && !m.point().equals(r)) {
          ids.add(m.id());
        }
      }
    }
    return new Mounts(all.mounts, ids.size());
  }

  private static boolean touches(Path point, List<Path> roots) {
    for (Path r : roots) {
      if (r.startsWith(point) || point.startsWith(r)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw}. */
  private static Mount line(byte[] line) {
    List<byte[]> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= line.length; i++) {
      if (i == line.length || line[i] == ' ') {
        fields.add(Arrays.copyOfRange(line, start, i));
        start = i + 1;
      }
    }
    if (fields.size() < 5) {
      return null;
    }
    try {
      long id = Long.parseLong(new String(fields.get(0), StandardCharsets.US_ASCII));
      return new Mount(id, path(unescape(fields.get(4))));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The kernel writes space, tab, newline and backslash in a mount point as octal: \040. */
  static byte[] unescape(byte[] field) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(field.length);
    for (int i = 0; i < field.length; i++) {
      if (field[i] == '\\' && isOctal(field, i + 1)) {
        out.write((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
        i += 3;
      } else {
        out.write(field[i]);
      }
    }
    return out.toByteArray();
  }

  private static boolean isOctal(byte[] b, int from) {
    for (int i = from; i < from + 3; i++) {
      if (i >= b.length || b[i] < '0' || b[i] > '7') {
        return false;
      }
    }
    return true;
  }

  /** The path whose bytes are {@code bytes}, as the system would name it. */
  private static Path path(byte[] bytes) {
    Path p = Path.of("/");
    if (!PathBytes.available()) {
      return p.resolve(new String(bytes, StandardCharsets.UTF_8));
    }
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '/') {
        if (i > start) {
          p = PathBytes.resolve(p, Arrays.copyOfRange(bytes, start, i));
        }
        start = i + 1;
      }
    }
    return p;
  }

  /** True when names under the roots may lie in more than one mount. */
  public boolean several() {
    return distinct > 1;
  }

  /** The id of the mount a real path is in; 0 where unknown. */
  public long of(Path realPath) {
    for (Mount m : mounts) {
      if (realPath.startsWith(m.point())) {
        return m.id();
      }
    }
    return 0;
  }
}
