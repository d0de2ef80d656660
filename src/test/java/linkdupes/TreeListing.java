package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A listing of every path under a directory: relative path, type, inode, link count, size,
 * permission bits, SHA-256 of regular files and the target of symlinks.
 *
 * <p>The walk never follows symlinks, and names are kept as {@link Path} objects throughout
 * (never turned into a String and back), so names that are not valid UTF-8 survive.
 */
final class TreeListing {
  /** The prefix of the linker's temporary names. */
  static final String TEMP_PREFIX = ".linkdupes.";

  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

  /** One path of the listing. {@code sha256} only for files, {@code target} only for symlinks. */
  record Entry(Path relative, Type type, long ino, int nlink, long size, int permissions,
      String sha256, Path target) {

    /** What must survive a run: the type, and the bytes of a file or target of a symlink. */
    String content() {
      return switch (type) {
        case FILE -> "file " + size + " " + sha256;
        case SYMLINK -> "symlink -> " + target;
        default -> type.name();
      };
    }

    @Override
    public String toString() {
      return relative + " [" + type + " ino=" + ino + " nlink=" + nlink + " size=" + size
          + " mode=" + Integer.toOctalString(permissions)
          + (sha256 != null ? " sha256=" + sha256.substring(0, 12) : "")
          + (target != null ? " -> " + target : "") + "]";
    }
  }

  private final Path root;
  private final SortedMap<Path, Entry> entries;

  private TreeListing(Path root, SortedMap<Path, Entry> entries) {
    this.root = root;
    this.entries = entries;
  }

  /** Lists everything under {@code root} (not the root itself). */
  static TreeListing of(Path root) {
    SortedMap<Path, Entry> entries = new TreeMap<>();
    try {
      // No FOLLOW_LINKS: symlinks are visited as themselves, never entered.
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
            throws IOException {
          if (!dir.equals(root)) {
            add(dir);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
            throws IOException {
          add(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          throw e;
        }

        private void add(Path p) throws IOException {
          Entry e = entry(root, p);
          entries.put(e.relative(), e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TreeListing(root, Collections.unmodifiableSortedMap(entries));
  }

  private static Entry entry(Path root, Path p) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(p, "unix:ino,nlink,size,mode", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    Type type = switch (mode & S_IFMT) {
      case S_IFREG -> Type.FILE;
      case S_IFDIR -> Type.DIRECTORY;
      case S_IFLNK -> Type.SYMLINK;
      default -> Type.OTHER;
    };
    long size = (Long) a.get("size");
    return new Entry(root.relativize(p), type, (Long) a.get("ino"), (Integer) a.get("nlink"),
        size, mode & 07777,
        type == Type.FILE ? sha256(p) : null,
        type == Type.SYMLINK ? Files.readSymbolicLink(p) : null);
  }

  /** The SHA-256 of the bytes, in lowercase hex. */
  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The SHA-256 of the file's bytes, in lowercase hex; a symlink is not followed. */
  static String sha256(Path p) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Path root() {
    return root;
  }

  Map<Path, Entry> entries() {
    return entries;
  }

  /** The entry at a relative path given as one or more names, or a test failure. */
  Entry get(String first, String... more) {
    return get(Path.of(first, more));
  }

  /** The entry at a relative path (which may hold names that are not valid UTF-8). */
  Entry get(Path relative) {
    Entry e = entries.get(relative);
    if (e == null) {
      fail("no entry " + relative + " in listing of " + root + ":\n" + this);
    }
    return e;
  }

  long ino(String first, String... more) {
    return get(first, more).ino();
  }

  /** The regular files, grouped by inode. */
  Map<Long, List<Entry>> filesByInode() {
    return entries.values().stream().filter(e -> e.type() == Type.FILE)
        .collect(Collectors.groupingBy(Entry::ino, TreeMap::new, Collectors.toList()));
  }

  /** Distinct inodes of the given files. */
  Set<Long> inodesOf(List<Path> relatives) {
    Set<Long> inodes = new HashSet<>();
    for (Path r : relatives) {
      inodes.add(get(r).ino());
    }
    return inodes;
  }

  /** Sum of the sizes of the file inodes listed here that are gone in {@code after}. */
  long bytesOfInodesGoneIn(TreeListing after) {
    Set<Long> remaining = after.filesByInode().keySet();
    long sum = 0;
    for (Map.Entry<Long, List<Entry>> e : filesByInode().entrySet()) {
      if (!remaining.contains(e.getKey())) {
        sum += e.getValue().get(0).size();
      }
    }
    return sum;
  }

  /**
   * Every path listed here exists in {@code after} with the same type and the same bytes (or
   * symlink target), and {@code after} holds no path this listing did not.
   */
  void assertNothingLostIn(TreeListing after) {
    List<String> problems = new ArrayList<>();
    for (Entry before : entries.values()) {
      Entry now = after.entries.get(before.relative());
      if (now == null) {
        problems.add("lost: " + before);
      } else if (!now.content().equals(before.content())) {
        problems.add("changed: " + before + " became " + now);
      }
    }
    for (Path p : after.entries.keySet()) {
      if (!entries.containsKey(p)) {
        problems.add("new: " + after.entries.get(p));
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  /** Nothing at all changed: same paths, inodes, link counts, sizes, modes and contents. */
  void assertIdenticalTo(TreeListing after) {
    if (!entries.equals(after.entries)) {
      fail("the tree changed.\nbefore:\n" + this + "\nafter:\n" + after);
    }
  }

  /** No name anywhere starts with the linker's temporary prefix. */
  void assertNoTemporaryNames() {
    List<Path> temps = entries.keySet().stream()
        .filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX))
        .toList();
    assertTrue(temps.isEmpty(), () -> "temporary names left: " + temps);
  }

  /** The given files (relative paths) are all one inode. */
  void assertOneInode(List<Path> relatives) {
    Set<Long> inodes = inodesOf(relatives);
    assertEquals(1, inodes.size(), () -> "expected one inode for " + relatives + ":\n" + this);
  }

  /** The given files (relative paths) are all distinct inodes. */
  void assertDistinctInodes(List<Path> relatives) {
    Set<Long> inodes = inodesOf(relatives);
    assertEquals(relatives.size(), inodes.size(),
        () -> "expected distinct inodes for " + relatives + ":\n" + this);
  }

  /** Counts files per inode for the given relative paths. */
  Map<Long, Integer> namesPerInode(List<Path> relatives) {
    Map<Long, Integer> counts = new HashMap<>();
    for (Path r : relatives) {
      counts.merge(get(r).ino(), 1, Integer::sum);
    }
    return counts;
  }

  @Override
  public String toString() {
    return entries.values().stream().map(Entry::toString).collect(Collectors.joining("\n"));
  }
}
