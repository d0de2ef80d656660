package linkdupes.fs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The raw bytes of a path, and a path rebuilt from a directory and a name's bytes. A file name
 * is bytes, not text: going through a {@code String} would change a name that is not valid
 * UTF-8. Where the JDK's internals are not reachable, {@link #available()} is false and names
 * are kept as {@code Path} objects.
 */
public final class PathBytes {
  private PathBytes() {}

  public static boolean available() {
    return Jdk.namesAvailable();
  }

  /** Every byte of {@code p} as the system sees it; the array must not be changed. */
  public static byte[] bytes(Path p) {
    return Jdk.bytes(p);
  }

  /**
   * The bytes of {@code p} as the system sees them where they can be read; else its text in
   * UTF-8. Either way the same path always gives the same bytes, which is what comparing and
   * storing them needs.
   */
  public static byte[] of(Path p) {
    return available() ? bytes(p) : p.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code dir} joined with the name whose bytes are {@code name}. */
  public static Path resolve(Path dir, byte[] name) {
    return Jdk.resolve(dir, name);
  }

  /** The path whose bytes, as {@link #of} gave them, are {@code bytes}. */
  public static Path path(byte[] bytes) {
    return available() ? resolve(Path.of("/"), bytes)
        : Path.of(new String(bytes, StandardCharsets.UTF_8));
  }
}
