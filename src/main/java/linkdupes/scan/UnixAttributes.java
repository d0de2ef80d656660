package linkdupes.scan;

import java.lang.reflect.Field;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads device, inode, mode, owner and link count out of the attributes the walk already has,
 * so no file is stat'ed twice. On Linux the JDK's {@code BasicFileAttributes} is a full
 * {@code struct stat}, but its fields are internal: they are reached through the jar's
 * {@code Add-Opens: java.base/sun.nio.fs}. Where that is not granted (another JDK, or the
 * classes run without the jar's manifest), {@link #from} returns null and the caller stats
 * the file itself.
 *
 * <p>The fields are read with core reflection ({@link Field#getLong}) rather than method
 * handles: this runs once per file while the code is still cold, and on JDK 17 fifty thousand
 * calls took 41 ms this way against 77-114 ms through nine method handles.
 */
final class UnixAttributes {
  private static final Class<?> TYPE;
  /** What {@code Files.readAttributes(p, BasicFileAttributes.class)} returns: a wrapper. */
  private static final Class<?> WRAPPER;
  private static final Field ATTRS;
  private static final Field DEV;
  private static final Field INO;
  private static final Field SIZE;
  private static final Field MODE;
  private static final Field NLINK;
  private static final Field UID;
  private static final Field GID;
  private static final Field MTIME_SEC;
  private static final Field MTIME_NSEC;
  private static final Field CTIME_SEC;
  private static final Field CTIME_NSEC;

  static {
    Class<?> type = null;
    Class<?> wrapper = null;
    Field[] f = new Field[12];
    try {
      type = Class.forName("sun.nio.fs.UnixFileAttributes");
      wrapper = Class.forName("sun.nio.fs.UnixFileAttributes$UnixAsBasicFileAttributes");
      f[0] = field(wrapper, "attrs");
      String[] names = {"st_dev", "st_ino", "st_size", "st_mode", "st_nlink", "st_uid",
          "st_gid", "st_mtime_sec", "st_mtime_nsec", "st_ctime_sec", "st_ctime_nsec"};
      for (int i = 0; i < names.length; i++) {
        f[i + 1] = field(type, names[i]);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      type = null; // not opened to us, or another implementation: stat the file instead
    }
    TYPE = type;
    WRAPPER = wrapper;
    ATTRS = f[0];
    DEV = f[1];
    INO = f[2];
    SIZE = f[3];
    MODE = f[4];
    NLINK = f[5];
    UID = f[6];
    GID = f[7];
    MTIME_SEC = f[8];
    MTIME_NSEC = f[9];
    CTIME_SEC = f[10];
    CTIME_NSEC = f[11];
  }

  private UnixAttributes() {}

  private static Field field(Class<?> type, String name) throws ReflectiveOperationException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true); // throws where the package is not opened to us
    return f;
  }

  /** True when attributes can be read this way in this JVM. */
  static boolean available() {
    return TYPE != null;
  }

  /** The full stat held by {@code a}, or null when it cannot be read out of it. */
  static FileStat from(BasicFileAttributes attributes) {
    if (TYPE == null) {
      return null;
    }
    try {
      Object a = WRAPPER.isInstance(attributes) ? ATTRS.get(attributes) : attributes;
      if (!TYPE.isInstance(a)) {
        return null;
      }
      return new FileStat(DEV.getLong(a), INO.getLong(a), SIZE.getLong(a),
          MTIME_SEC.getLong(a) * 1_000_000_000L + MTIME_NSEC.getLong(a),
          CTIME_SEC.getLong(a) * 1_000_000_000L + CTIME_NSEC.getLong(a),
          MODE.getInt(a), UID.getInt(a), GID.getInt(a), NLINK.getInt(a));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
