package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Builds test trees: files, links, symlinks, special files and odd names. */
final class Trees {
  private Trees() {}

  /** Writes {@code content} to {@code file}, creating parent directories. */
  static Path write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String content) {
    return write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Creates {@code link} as a hard link of {@code existing}, creating parent directories. */
  static Path link(Path link, Path existing) {
    try {
      Files.createDirectories(link.getParent());
      return Files.createLink(link, existing);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path symlink(Path link, String target) {
    try {
      Files.createDirectories(link.getParent());
      return Files.createSymbolicLink(link, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets permission bits, e.g. "rw-r--r--". */
  static Path mode(Path file, String permissions) {
    try {
      return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the modification time to the given second since the epoch. */
  static Path mtime(Path file, long epochSecond) {
    try {
      return Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(epochSecond)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long mtimeSeconds(Path file) {
    try {
      return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant()
          .getEpochSecond();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long ino(Path p) {
    try {
      return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int nlink(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] random(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Relative paths from strings, for the listing's assertions. */
  static List<Path> rel(String... relatives) {
    return Stream.of(relatives).map(Path::of).toList();
  }

  /** The entries of {@code dir} whose names (as decoded) contain {@code fragment}. */
  static List<Path> childrenContaining(Path dir, String fragment) {
    List<Path> found = new ArrayList<>();
    try (var stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        if (p.getFileName().toString().contains(fragment)) {
          found.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** True when {@code command} can be started. */
  static boolean canRun(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs a bash script with {@code dir} as its working directory and {@code args} as {@code $1},
   * {@code $2}...; returns its stdout, or fails the test when it does not exit 0.
   */
  static String bash(Path dir, String script, String... args) {
    CommandRun r = Subprocess.bash(script, args).in(dir).run();
    assertEquals(0, r.exitCode(), () -> "bash failed: " + script + "\n" + r);
    return r.out();
  }

  /** Creates a FIFO with mkfifo(1). */
  static Path mkfifo(Path fifo) {
    CommandRun r = Subprocess.of("mkfifo", fifo.toString()).run();
    assertEquals(0, r.exitCode(), () -> "mkfifo failed: " + r);
    return fifo;
  }
}
