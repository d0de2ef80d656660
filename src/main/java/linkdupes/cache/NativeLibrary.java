package linkdupes.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * SQLite's native library, kept beside the cache. By itself the JDBC driver writes the library
 * out of the jar into the temporary folder on every run, reads it back to compare and deletes
 * it at exit. Written once under the cache's folder (per driver version and platform) and
 * loaded from there, it saves the launcher's run over an empty folder, with the default cache,
 * 81 ms (median of 30 runs, alternating builds).
 */
public final class NativeLibrary {
  private NativeLibrary() {}

  /**
   * Points the driver at the library beside {@code cache}, writing it there first if it is
   * missing or differs in any byte from the copy in the jar: the folder is private to the user
   * ({@link PrivateFolder}), and what is loaded from it is still the jar's own library.
   */
  public static void prepare(Path cache) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return; // chosen already, by an earlier run in this JVM or by the user
    }
    try {
      Path lib = installed(cache);
      if (lib != null) {
        System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
        System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
      }
    } catch (Exception | LinkageError e) {
      // the driver writes the library out itself, as it does by default
    }
  }

  /**
   * The library beside {@code cache}, written there from the jar unless it is there already
   * with the jar's bytes; null when the jar has none for this platform.
   */
  static Path installed(Path cache) throws IOException {
    String platform = OSInfo.getNativeLibFolderPathForCurrentOS();
    String name = System.mapLibraryName("sqlitejdbc");
    String resource = "/org/sqlite/native/" + platform + "/" + name;
    Path dir = cache.toAbsolutePath().getParent().resolve("native")
        .resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion())
        .resolve(platform.replace('/', '-'));
    Path lib = dir.resolve(name);
    if (isCopyOf(lib, resource)) {
      return lib;
    }
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        return null; // not in this jar: the driver finds its own way
      }
      Files.createDirectories(dir, PrivateFolder.FOLDER);
      Path part = Files.createTempFile(dir, name, ".part", PrivateFolder.FILE);
      try {
        try (OutputStream out = Files.newOutputStream(part)) { // the 0600 file made above
          in.transferTo(out);
        }
        Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(part);
      }
    }
    return lib;
  }

  /** True when {@code lib} is a regular file with the very bytes of the jar's {@code resource}. */
  static boolean isCopyOf(Path lib, String resource) throws IOException {
    if (!Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (InputStream jar = NativeLibrary.class.getResourceAsStream(resource);
        InputStream file = Files.newInputStream(lib, LinkOption.NOFOLLOW_LINKS)) {
      if (jar == null) {
        return false;
      }
      byte[] a = new byte[64 << 10];
      byte[] b = new byte[64 << 10];
      while (true) {
        int n = jar.readNBytes(a, 0, a.length);
        int m = file.readNBytes(b, 0, n == 0 ? 1 : n);
        if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
          return false;
        }
        if (n == 0) {
          return true;
        }
      }
    }
  }
}
