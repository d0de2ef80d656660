package linkdupes.fs;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one class that reaches into the JDK's internal {@code sun.nio.fs}, which the jar's
 * manifest opens to us ({@code Add-Opens: java.base/sun.nio.fs}): the bytes of a path, the
 * fields of the {@code struct stat} the JDK has already read, and the system calls whose error
 * number the public API turns into words. Each part is set up when first used, and each says
 * whether it is available: where the package is not opened (classes run without the jar's
 * manifest) or another JDK lays it out otherwise, callers take the public API instead.
 *
 * <p>The signatures used here are the same in JDK 17 and JDK 25.
 */
final class Jdk {
  private Jdk() {}

  /** The internal Unix path: its bytes and a child made from bytes. */
  private static final class Names {
    static final Class<?> TYPE;
    /** Read as a field with core reflection, once per file, as the stat fields are below. */
    static final Field BYTES;
    static final MethodHandle RESOLVE;

    static {
      Class<?> type = null;
      Field bytes = null;
      MethodHandle resolve = null;
      try {
        type = Class.forName("sun.nio.fs.UnixPath");
        bytes = accessible(type.getDeclaredField("path"));
        resolve = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
            .findVirtual(type, "resolve", MethodType.methodType(type, byte[].class))
            .asType(MethodType.methodType(Path.class, Path.class, byte[].class));
        // the accessors must also work on a real path, not only be found
        Path probe = Path.of("/a");
        if (!type.isInstance(probe) || ((byte[]) bytes.get(probe)).length != 2) {
          type = null;
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        type = null; // not opened to us, or another implementation
      }
      TYPE = type;
      BYTES = bytes;
      RESOLVE = resolve;
    }
  }

  /**
   * The fields of the JDK's {@code UnixFileAttributes}, read with core reflection
   * ({@link Field#getLong}) rather than method handles: this runs once per file while the code
   * is still cold, and a run over /usr/share took 18 ms longer through method handles (median
   * of 40 runs, alternating builds).
   */
  private static final class Stats {
    static final Class<?> TYPE;
    /** What {@code Files.readAttributes(p, BasicFileAttributes.class)} returns: a wrapper. */
    static final Class<?> WRAPPER;
    static final Field ATTRS;
    /** st_dev, st_ino, st_size, st_mode, st_nlink, st_uid, st_gid, then mtime and ctime. */
    static final Field[] FIELDS = new Field[11];

    static {
      Class<?> type = null;
      Class<?> wrapper = null;
      Field attrs = null;
      try {
        type = Class.forName("sun.nio.fs.UnixFileAttributes");
        wrapper = Class.forName("sun.nio.fs.UnixFileAttributes$UnixAsBasicFileAttributes");
        attrs = accessible(wrapper.getDeclaredField("attrs"));
        String[] names = {"st_dev", "st_ino", "st_size", "st_mode", "st_nlink", "st_uid",
            "st_gid", "st_mtime_sec", "st_mtime_nsec", "st_ctime_sec", "st_ctime_nsec"};
        for (int i = 0; i < names.length; i++) {
          FIELDS[i] = accessible(type.getDeclaredField(names[i]));
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        type = null; // not opened to us, or another implementation
      }
      TYPE = type;
      WRAPPER = wrapper;
      ATTRS = attrs;
    }
  }

  /** System calls that throw the JDK's {@code UnixException}, which holds the error number. */
  private static final class Calls {
    /** {@code UnixNativeDispatcher.link(UnixPath existing, UnixPath newfile)}: link(2). */
    static final Method LINK;
    /** {@code UnixFileAttributes.get(UnixPath, boolean followLinks)}: stat(2) or lstat(2). */
    static final Method STAT;
    static final Method ERRNO;
    static final Method ERROR_STRING;

    static {
      Method link = null;
      Method stat = null;
      Method errno = null;
      Method errorString = null;
      try {
        Class<?> path = Class.forName("sun.nio.fs.UnixPath");
        Class<?> exception = Class.forName("sun.nio.fs.UnixException");
        link = accessible(Class.forName("sun.nio.fs.UnixNativeDispatcher")
            .getDeclaredMethod("link", path, path));
        stat = accessible(Class.forName("sun.nio.fs.UnixFileAttributes")
            .getDeclaredMethod("get", path, boolean.class));
        errno = accessible(exception.getDeclaredMethod("errno"));
        errorString = accessible(exception.getDeclaredMethod("errorString"));
      } catch (ReflectiveOperationException | RuntimeException e) {
        link = null; // not opened to us, or another implementation
      }
      LINK = link;
      STAT = stat;
      ERRNO = errno;
      ERROR_STRING = errorString;
    }
  }

  private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
    member.setAccessible(true); // throws where the package is not opened to us
    return member;
  }

  static boolean namesAvailable() {
    return Names.TYPE != null;
  }

  /** Every byte of {@code p}; the array must not be changed. Only when names are available. */
  static byte[] bytes(Path p) {
    try {
      return (byte[]) Names.BYTES.get(p);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code dir} joined with the name whose bytes are {@code name}. */
  static Path resolve(Path dir, byte[] name) {
    try {
      return (Path) Names.RESOLVE.invokeExact(dir, name);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean statsAvailable() {
    return Stats.TYPE != null;
  }

  /** The full stat held by {@code attributes}, or null when it cannot be read out of them. */
  static FileStat stat(BasicFileAttributes attributes) {
    if (Stats.TYPE == null) {
      return null;
    }
    try {
      Object a = Stats.WRAPPER.isInstance(attributes) ? Stats.ATTRS.get(attributes) : attributes;
      if (!Stats.TYPE.isInstance(a)) {
        return null;
      }
      Field[] f = Stats.FIELDS;
      return new FileStat(f[0].getLong(a), f[1].getLong(a), f[2].getLong(a),
          f[7].getLong(a) * 1_000_000_000L + f[8].getLong(a),
          f[9].getLong(a) * 1_000_000_000L + f[10].getLong(a),
          f[3].getInt(a), f[5].getInt(a), f[6].getInt(a), f[4].getInt(a));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** True when {@link #link} and {@link #stat(Path, boolean)} can be called for these paths. */
  static boolean callsAvailable(Path... paths) {
    if (Calls.LINK == null || !statsAvailable()) {
      return false;
    }
    for (Path p : paths) {
      if (!Names.TYPE.isInstance(p)) {
        return false;
      }
    }
    return true;
  }

  /** link(2): {@code link} becomes a new name of {@code existing}. */
  static void link(Path existing, Path link) throws IOException {
    try {
      Calls.LINK.invoke(null, existing, link);
    } catch (InvocationTargetException e) {
      throw translated(e.getCause(), link, existing);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** stat(2) of {@code path}, or lstat(2) unless {@code follow}. */
  static FileStat stat(Path path, boolean follow) throws IOException {
    Object attributes;
    try {
      attributes = Calls.STAT.invoke(null, path, follow);
    } catch (InvocationTargetException e) {
      throw translated(e.getCause(), path, null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    FileStat st = stat((BasicFileAttributes) attributes);
    if (st == null) {
      throw new IllegalStateException("cannot read the attributes of " + path);
    }
    return st;
  }

  /** The open directory's descriptor inside the JDK's secure directory stream. */
  private static final class Streams {
    static final Field DFD;

    static {
      Field dfd = null;
      try {
        dfd = accessible(Class.forName("sun.nio.fs.UnixSecureDirectoryStream")
            .getDeclaredField("dfd"));
      } catch (ReflectiveOperationException | RuntimeException e) {
        dfd = null; // not opened to us, or another implementation
      }
      DFD = dfd;
    }
  }

  /** The descriptor of the directory {@code stream} has open, or -1 where it cannot be read. */
  static int directoryFd(java.nio.file.SecureDirectoryStream<?> stream) {
    if (Streams.DFD == null || !Streams.DFD.getDeclaringClass().isInstance(stream)) {
      return -1;
    }
    try {
      return Streams.DFD.getInt(stream);
    } catch (IllegalAccessException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The JDK's {@code UnixException} as the public API throws it, but keeping the number: the
   * JDK's own classes for the errors it names (so that callers catching them still do), else an
   * {@link ErrnoException}.
   */
  private static IOException translated(Throwable cause, Path file, Path other) {
    String f = file.toString();
    String o = other == null ? null : other.toString();
    int errno;
    String reason;
    try {
      errno = (Integer) Calls.ERRNO.invoke(cause);
      reason = (String) Calls.ERROR_STRING.invoke(cause);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new IOException(String.valueOf(cause), cause);
    }
    return switch (errno) {
      case Errno.EACCES -> new AccessDeniedException(f, o, null);
      case Errno.ENOENT -> new NoSuchFileException(f, o, null);
      case Errno.EEXIST -> new FileAlreadyExistsException(f, o, null);
      case 0 -> new IOException(cause.getMessage()); // made with a message, not a number
      default -> new ErrnoException(errno, f, o, reason);
    };
  }
}
