package linkdupes.link;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.LinkedHashMap;
import java.util.Map;
import linkdupes.fs.Failure;

/**
 * Opens directories by their real path one component at a time from {@code /}, refusing every
 * symlink on the way, and keeps the most recently used ones open.
 */
final class Directories implements AutoCloseable {
  /**
   * Directories kept open (two descriptors each) by default; enough for the ancestors of the
   * current one.
   */
  static final int CACHED = 256;

  private final int cached;

  private final Map<Path, Directory> open = new LinkedHashMap<>(512, 0.75f, true);

  /** Keeps at most {@code cached} directories open. */
  Directories(int cached) {
    this.cached = Math.max(1, cached);
  }

  /**
   * The directory at {@code realPath}; fails (ELOOP, ENOTDIR, ENOENT) if it is not one now.
   * It is opened from its parent, itself opened the same way, so every component from {@code /}
   * is opened without following a symlink, and shared ancestors are opened once.
   */
  Directory open(Path realPath) throws IOException {
    if (!realPath.isAbsolute()) {
      throw new IllegalArgumentException("not absolute: " + realPath);
    }
    Directory d = open.get(realPath);
    if (d != null) {
      return d;
    }
    Path parent = realPath.getParent();
    SecureDirectoryStream<Path> stream = parent == null
        ? secure(Files.newDirectoryStream(realPath))
        : openIn(open(parent), realPath);
    d = new Directory(realPath, stream);
    open.put(realPath, d);
    if (open.size() > cached) {
      var eldest = open.entrySet().iterator().next();
      open.remove(eldest.getKey());
      eldest.getValue().close();
    }
    return d;
  }

  /**
   * The directory {@code realPath} opened from its parent without following a symlink. The JDK
   * reports the refusal of a symlink there (ELOOP) in words only: the entry itself then tells
   * whether it is no longer a directory.
   */
  private static SecureDirectoryStream<Path> openIn(Directory parent, Path realPath)
      throws IOException {
    Path name = realPath.getFileName();
    try {
      return parent.stream().newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
    } catch (FileSystemException e) {
      if (Failure.of(e) == Failure.OTHER && !parent.attributes(name).isDirectory()) {
        NotDirectoryException now = new NotDirectoryException(realPath.toString());
        now.initCause(e);
        throw now;
      }
      throw e;
    }
  }

  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> s) throws IOException {
    if (s instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    s.close();
    throw new IOException("this platform cannot open directories safely (no openat)");
  }

  @Override
  public void close() {
    for (Directory d : open.values()) {
      try {
        d.close();
      } catch (IOException e) {
        // closing a directory we only read cannot lose data
      }
    }
    open.clear();
  }
}
