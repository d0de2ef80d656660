package linkdupes.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's library beside the cache is loaded only when it holds the jar's very bytes. */
class NativeLibraryTest {
  @TempDir Path dir;

  @Test
  void aPlantedOrChangedLibraryIsWrittenAgainFromTheJar() throws Exception {
    Path cache = dir.resolve("cache.db");
    Path lib = NativeLibrary.installed(cache);
    assertNotNull(lib, "the jar has SQLite's library for this platform");
    byte[] jars = Files.readAllBytes(lib);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)));

    Files.write(lib, "someone else's code".getBytes());
    assertEquals(lib, NativeLibrary.installed(cache));
    assertArrayEquals(jars, Files.readAllBytes(lib), "written again");

    byte[] truncated = java.util.Arrays.copyOf(jars, jars.length - 1);
    Files.write(lib, truncated);
    NativeLibrary.installed(cache);
    assertArrayEquals(jars, Files.readAllBytes(lib), "a library one byte short is not it");

    Path elsewhere = Files.write(dir.resolve("elsewhere.so"), jars);
    Files.delete(lib);
    Files.createSymbolicLink(lib, elsewhere);
    NativeLibrary.installed(cache);
    assertFalse(Files.isSymbolicLink(lib), "a symlink is replaced, not followed");
    assertArrayEquals(jars, Files.readAllBytes(lib));
    assertEquals(jars.length, Files.size(lib), LinkOption.NOFOLLOW_LINKS.toString());
  }
}
