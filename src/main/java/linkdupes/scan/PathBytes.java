package linkdupes.scan;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.file.Path;

/**
 * The raw bytes of a path's last name, and a path rebuilt from a directory and such bytes,
 * through the JDK's internal {@code UnixPath} (reached with the jar's
 * {@code Add-Opens: java.base/sun.nio.fs}). A file name is bytes, not text: going through a
 * {@code String} would change a name that is not valid UTF-8. Where the internals are not
 * reachable, {@link #available()} is false and names are kept as {@code Path} objects.
 */
public final class PathBytes {
  private static final Class<?> TYPE;
  /** UnixPath's bytes, read as a field: once per file while the code is cold, cheaper than a call. */
  private static final Field BYTES;
  private static final MethodHandle RESOLVE;

  static {
    Class<?> type = null;
    Field bytes = null;
    MethodHandle resolve = null;
    try {
      type = Class.forName("sun.nio.fs.UnixPath");
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
      bytes = type.getDeclaredField("path");
      bytes.setAccessible(true);
      resolve = lookup.findVirtual(type, "resolve", MethodType.methodType(type, byte[].class))
          .asType(MethodType.methodType(Path.class, Path.class, byte[].class));
      // the accessors must also work on a real path, not only be found
      Path probe = Path.of("/a");
      if (!type.isInstance(probe) || ((byte[]) bytes.get(probe)).length != 2) {
        type = null;
      }
    } catch (Throwable e) {
      type = null; // not opened to us, or another implementation
    }
    TYPE = type;
    BYTES = bytes;
    RESOLVE = resolve;
  }

  private PathBytes() {}

  public static boolean available() {
    return TYPE != null;
  }

  /** Every byte of {@code p} as the system sees it; the array must not be changed. */
  public static byte[] bytes(Path p) {
    try {
      return (byte[]) BYTES.get(p);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The bytes of {@code p} as the system sees them where they can be read; else its text in
   * UTF-8. Either way the same path always gives the same bytes, which is what comparing and
   * storing them needs.
   */
  public static byte[] of(Path p) {
    return TYPE != null ? bytes(p) : p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@code dir} joined with the name whose bytes are {@code name}. */
  static Path resolve(Path dir, byte[] name) {
    try {
      return (Path) RESOLVE.invokeExact(dir, name);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
