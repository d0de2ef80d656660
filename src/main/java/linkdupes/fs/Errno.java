package linkdupes.fs;

/**
 * The error numbers linkdupes gives a meaning to: Linux's, which are the same on x86-64, arm64
 * and the other architectures of the kernel's generic table. A failure is recognised by its
 * number, never by its message: the C library translates messages into the user's language.
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EACCES = 13;
  /** Text file busy: a swap file, or one being executed, that the kernel will not share. */
  public static final int ETXTBSY = 26;
  /** Invalid argument: of a clone, a range or a file the file system does not take. */
  public static final int EINVAL = 22;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  /** Illegal seek: a FIFO or socket read at an offset. */
  public static final int ESPIPE = 29;
  /** No such device: a socket, or a device without its driver, opened. */
  public static final int ENXIO = 6;
  public static final int EROFS = 30;
  public static final int EMLINK = 31;
  public static final int ELOOP = 40;
  public static final int EOPNOTSUPP = 95;
  /** What ioctl(2) answers for a request the file system does not know. */
  public static final int ENOTTY = 25;

  private Errno() {}
}
