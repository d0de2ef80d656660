package linkdupes.hash;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import linkdupes.group.Inode;

/**
 * Small pictures of the images a run reads, for the HTML report: made from a file's bytes as
 * the content stage reads them (a copy of each chunk), never by reading a file again. Only a
 * file whose first bytes say JPEG, PNG, GIF or BMP is kept, one per group being read, and only
 * while the copies held at once stay within {@link #HELD}; the picture is decoded on the
 * reading thread as the file's last chunk is read, shrunk to fit {@link #SIDE} pixels, and
 * kept as a JPEG of a few KiB.
 */
public final class Thumbnails {
  /** The longest side of a picture, in pixels. */
  public static final int SIDE = 160;
  /** Files larger than this get no picture: their copy would cost too much memory. */
  static final int MAX_FILE = 48 << 20;
  /**
   * Bytes of files held at once for their pictures, over all reading threads: 128 MiB, or an
   * eighth of the heap the JVM may grow to where that is less (a small machine's).
   */
  static final int HELD = (int) Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 8);
  /** More pixels than this is not decoded (a small file can claim a huge image). */
  static final long MAX_PIXELS = 120_000_000L;

  /**
   * Pixels of images decoded whole, over the run, for those with no thumbnail of their own
   * embedded: a 12-megapixel JPEG took 100-120 ms of CPU to decode, so this is about 35 of
   * them, 4 s of CPU. Embedded thumbnails (most cameras' JPEGs) cost 2-5 ms and have no limit.
   */
  static final long DECODED_PIXELS = 400_000_000L;

  /** A picture: a JPEG's bytes and its size in pixels. */
  public record Picture(byte[] jpeg, int width, int height) {}

  private record Key(long dev, long ino) {}

  /**
   * A picture and the file it was made of: its size and modification time, by which the
   * cache keeps it; {@code kept} when it came from the cache rather than this run's reads.
   */
  public record Made(long dev, long ino, long size, long mtimeNanos, Picture picture,
      boolean kept) {}

  private final Map<Key, Made> made = new ConcurrentHashMap<>();
  private final Semaphore held = new Semaphore(HELD);
  private final AtomicInteger notDecoded = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong pixelsLeft =
      new java.util.concurrent.atomic.AtomicLong(DECODED_PIXELS);

  private Thumbnails() {}

  /**
   * Pictures for a report; null where this Java has no image decoders (a runtime without the
   * java.desktop module), and the report shows none.
   */
  public static Thumbnails forReport() {
    if (ModuleLayer.boot().findModule("java.desktop").isEmpty()) {
      return null;
    }
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // no display is ever asked for
    }
    return new Thumbnails();
  }

  /** The picture made of the inode's bytes, or null. */
  public Picture of(Inode inode) {
    Made m = made.get(new Key(inode.dev(), inode.ino()));
    return m == null ? null : m.picture();
  }

  /** A picture an earlier run made of the inode, as the cache kept it. */
  public void kept(Inode inode, Picture picture) {
    made.putIfAbsent(key(inode), new Made(inode.dev(), inode.ino(), inode.size(),
        inode.mtimeNanos(), picture, true));
  }

  /** The pictures this run made of what it read, for the cache to keep. */
  public java.util.List<Made> madeByThisRun() {
    java.util.List<Made> list = new java.util.ArrayList<>();
    for (Made m : made.values()) {
      if (!m.kept()) {
        list.add(m);
      }
    }
    return list;
  }

  /**
   * Images read with no picture: a format or variant the decoders lack, or no thumbnail of
   * their own once the run's budget of pixels to decode was spent.
   */
  public int notDecoded() {
    return notDecoded.get();
  }

  /**
   * A tap on the reading of {@code inode} if its first bytes, in {@code first} (not moved),
   * say it is an image; the first bytes are taken in. Null when it is none, is too large, or
   * the bytes held for other pictures leave no room.
   */
  Tap start(Inode inode, ByteBuffer first) {
    long size = inode.size();
    if (size > Math.min(MAX_FILE, HELD) || !isImage(first, size)
        || made.containsKey(key(inode))
        || !held.tryAcquire((int) size)) {
      return null;
    }
    Tap t = new Tap(inode, (int) size);
    t.add(first);
    return t;
  }

  private static Key key(Inode inode) {
    return new Key(inode.dev(), inode.ino());
  }

  /** JPEG, PNG, GIF or BMP by their signatures. */
  static boolean isImage(ByteBuffer b, long size) {
    int p = b.position();
    int n = b.remaining();
    if (n >= 3 && (b.get(p) & 0xff) == 0xff && (b.get(p + 1) & 0xff) == 0xd8
        && (b.get(p + 2) & 0xff) == 0xff) {
      return true;
    }
    if (n >= 8 && (b.get(p) & 0xff) == 0x89 && b.get(p + 1) == 'P' && b.get(p + 2) == 'N'
        && b.get(p + 3) == 'G' && b.get(p + 4) == 0x0d && b.get(p + 5) == 0x0a) {
      return true;
    }
    if (n >= 6 && b.get(p) == 'G' && b.get(p + 1) == 'I' && b.get(p + 2) == 'F'
        && b.get(p + 3) == '8' && (b.get(p + 4) == '7' || b.get(p + 4) == '9')
        && b.get(p + 5) == 'a') {
      return true;
    }
    if (n >= 6 && b.get(p) == 'B' && b.get(p + 1) == 'M') {
      // the header's own size field: random bytes starting "BM" seldom carry theirs
      long stated = (b.get(p + 2) & 0xffL) | (b.get(p + 3) & 0xffL) << 8
          | (b.get(p + 4) & 0xffL) << 16 | (b.get(p + 5) & 0xffL) << 24;
      return stated == size;
    }
    return false;
  }

  /** The bytes of one file as they are read, in order; {@link #done} makes its picture. */
  final class Tap {
    private final Inode inode;
    private final byte[] bytes;
    private int length;
    private boolean released;

    private Tap(Inode inode, int size) {
      this.inode = inode;
      this.bytes = new byte[size];
    }

    /** The next bytes read (the buffer is not moved). */
    void add(ByteBuffer chunk) {
      int n = Math.min(chunk.remaining(), bytes.length - length);
      chunk.duplicate().get(bytes, length, n);
      length += n;
    }

    /** The file was read to its end: its picture is made, and its bytes let go. */
    void done() {
      try {
        if (length == bytes.length) {
          Picture p = ImageShrinker.picture(bytes, SIDE, MAX_PIXELS,
              pixels -> pixelsLeft.addAndGet(-pixels) >= 0);
          if (p != null) {
            made.put(key(inode), new Made(inode.dev(), inode.ino(), inode.size(),
                inode.mtimeNanos(), p, false));
          } else {
            notDecoded.incrementAndGet();
          }
        }
      } finally {
        release();
      }
    }

    /** The read stopped before the end: no picture. */
    void release() {
      if (!released) {
        released = true;
        held.release(bytes.length);
      }
    }
  }
}
