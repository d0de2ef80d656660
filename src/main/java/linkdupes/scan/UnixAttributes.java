package linkdupes.scan;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * Reads device, inode, mode, owner and link count out of the attributes the walk already has,
 * so no file is stat'ed twice. On Linux the JDK's {@code BasicFileAttributes} is a full
 * {@code struct stat}, but its accessors are internal: they are reached through the jar's
 * {@code Add-Opens: java.base/sun.nio.fs}. Where that is not granted (another JDK, or the
 * classes run without the jar's manifest), {@link #from} returns null and the caller stats
 * the file itself.
 */
final class UnixAttributes {
  private static final Class<?> TYPE;
  /** What {@code Files.readAttributes(p, BasicFileAttributes.class)} returns: a wrapper. */
  private static final Class<?> WRAPPER;
  private static final MethodHandle UNWRAP;
  private static final MethodHandle DEV;
  private static final MethodHandle INO;
  private static final MethodHandle MODE;
  private static final MethodHandle NLINK;
  private static final MethodHandle UID;
  private static final MethodHandle GID;
  private static final MethodHandle CTIME;

  static {
    Class<?> type = null;
    Class<?> wrapper = null;
    MethodHandle unwrap = null;
    MethodHandle[] h = new MethodHandle[7];
    try {
      type = Class.forName("sun.nio.fs.UnixFileAttributes");
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
      wrapper = Class.forName("sun.nio.fs.UnixFileAttributes$UnixAsBasicFileAttributes");
      unwrap = MethodHandles.privateLookupIn(wrapper, MethodHandles.lookup())
          .findGetter(wrapper, "attrs", type)
          .asType(MethodType.methodType(Object.class, Object.class));
      h[0] = getter(lookup, type, "dev", long.class);
      h[1] = getter(lookup, type, "ino", long.class);
      h[2] = getter(lookup, type, "mode", int.class);
      h[3] = getter(lookup, type, "nlink", int.class);
      h[4] = getter(lookup, type, "uid", int.class);
      h[5] = getter(lookup, type, "gid", int.class);
      h[6] = getter(lookup, type, "ctime", FileTime.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      type = null; // not opened to us, or another implementation: stat the file instead
    }
    TYPE = type;
    WRAPPER = wrapper;
    UNWRAP = unwrap;
    DEV = h[0];
    INO = h[1];
    MODE = h[2];
    NLINK = h[3];
    UID = h[4];
    GID = h[5];
    CTIME = h[6];
  }

  private UnixAttributes() {}

  private static MethodHandle getter(MethodHandles.Lookup lookup, Class<?> type, String name,
      Class<?> returns) throws ReflectiveOperationException {
    return lookup.findVirtual(type, name, MethodType.methodType(returns))
        .asType(MethodType.methodType(returns, Object.class));
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
      Object a = WRAPPER.isInstance(attributes) ? (Object) UNWRAP.invokeExact((Object) attributes)
          : attributes;
      if (!TYPE.isInstance(a)) {
        return null;
      }
      return new FileStat((long) DEV.invokeExact((Object) a), (long) INO.invokeExact((Object) a),
          attributes.size(), FileStat.nanos(attributes.lastModifiedTime()),
          FileStat.nanos((FileTime) CTIME.invokeExact((Object) a)),
          (int) MODE.invokeExact((Object) a), (int) UID.invokeExact((Object) a),
          (int) GID.invokeExact((Object) a), (int) NLINK.invokeExact((Object) a));
    } catch (Throwable e) {
      return null;
    }
  }
}
