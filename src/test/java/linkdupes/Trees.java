package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.nio.file.SecureDirectoryStream;
import linkdupes.link.LinkOps;

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
   * Runs a bash script with {@code dir} as its working directory and {@code $1}; fails the test
   * when it does not exit 0.
   */
  static void bash(Path dir, String script) {
    try {
      Process p = new ProcessBuilder("bash", "-c", script, "bash", dir.toString())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("bash did not finish: " + script);
      }
      assertEquals(0, p.exitValue(), () -> "bash failed: " + script + "\n" + output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a FIFO with mkfifo(1). */
  static Path mkfifo(Path fifo) {
    try {
      Process p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("mkfifo did not finish");
      }
      assertEquals(0, p.exitValue(), () -> "mkfifo failed: " + output);
      return fifo;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The real link operations, with createLink replaced. */
  interface CreateLink {
    void createLink(Path link, Path existing) throws IOException;
  }

  static LinkOps withCreateLink(CreateLink createLink) {
    return new LinkOps() {
      @Override
      public void createLink(Path link, Path existing) throws IOException {
        createLink.createLink(link, existing);
      }

      @Override
      public void rename(SecureDirectoryStream<Path> dir, Path source, Path target)
          throws IOException {
        LinkOps.SYSTEM.rename(dir, source, target);
      }

      @Override
      public void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        LinkOps.SYSTEM.delete(dir, name);
      }
    };
  }

  /** Real link operations on a file system that allows at most {@code max} links per inode. */
  static LinkOps linkLimit(int max) {
    return withCreateLink((link, existing) -> {
      int nlink = (Integer) Files.getAttribute(existing, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      if (nlink >= max) {
        throw new FileSystemException(link.toString(), existing.toString(), "Too many links");
      }
      Files.createLink(link, existing);
    });
  }
}
