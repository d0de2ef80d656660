package linkdupes.link;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens directories by their real path one component at a time from {@code /}, refusing every
 * symlink on the way, and keeps the most recently used ones open.
 */
final class Directories implements AutoCloseable {
  private static final int CACHED = 32;

  private final Map<Path, Directory> open = new LinkedHashMap<>(64, 0.75f, true);

  /** The directory at {@code realPath}; fails (ELOOP, ENOTDIR, ENOENT) if it is not one now. */
  Directory open(Path realPath) throws IOException {
    Directory d = open.get(realPath);
    if (d != null) {
      return d;
    }
    d = new Directory(realPath, walkDown(realPath));
    open.put(realPath, d);
    if (open.size() > CACHED) {
      var eldest = open.entrySet().iterator().next();
      open.remove(eldest.getKey());
      eldest.getValue().close();
    }
    return d;
  }

  private static SecureDirectoryStream<Path> walkDown(Path realPath) throws IOException {
    if (!realPath.isAbsolute()) {
      throw new IllegalArgumentException("not absolute: " + realPath);
    }
    SecureDirectoryStream<Path> current = secure(Files.newDirectoryStream(realPath.getRoot()));
    try {
      for (Path component : realPath) {
        SecureDirectoryStream<Path> next =
            current.newDirectoryStream(component, LinkOption.NOFOLLOW_LINKS);
        current.close();
        current = next;
      }
      return current;
    } catch (IOException | RuntimeException e) {
      current.close();
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
