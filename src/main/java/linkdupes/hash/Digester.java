package linkdupes.hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import linkdupes.base.Tally;
import linkdupes.fs.ChangedDuringRunException;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.fs.VerifiedFile;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Reads a file through to a key of its first and last blocks or a SHA-256 of all its bytes,
 * a chunk at a time into one buffer per thread.
 */
final class Digester {
  /** The size of the first and last blocks that make a file's ends key. */
  static final int BLOCK = 4096;
  /** As {@link LockstepComparer#CHUNK}: SHA-256 of two 512 MiB files 1.30 s -> 1.08 s. */
  private static final int BUFFER = 64 << 10;

  private final Tally tally;
  /**
   * Each thread's SHA-256, used again for every file: a new one per file, with the copy buffer
   * it keeps for direct buffers, made 1.3 GB of garbage on 1.4 million small files.
   */
  private final ThreadLocal<MessageDigest> sha256 =
      ThreadLocal.withInitial(DigestUtils::getSha256Digest);
  private final ThreadLocal<ByteBuffer> buffers =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

  Digester(Tally tally) {
    this.tally = tally;
  }

  /**
   * A key of a file's first and last blocks: two CRCs, CRC-32C and CRC-32, which the CPU
   * computes even before the JIT has warmed up. A key only splits groups: files with equal keys
   * are then compared byte for byte or by SHA-256 before anything is linked.
   */
  byte[] endsKey(Path path, FileStat expected, Attributes.Sink sink) throws IOException {
    long size = expected.size();
    CRC32C c = new CRC32C();
    CRC32 d = new CRC32();
    Consumer<ByteBuffer> both = b -> {
      c.update(b.duplicate());
      d.update(b);
    };
    try (VerifiedFile f = VerifiedFile.open(path, expected, sink)) {
      readRange(f, 0, Math.min(BLOCK, size), both);
      if (size > BLOCK) {
        readRange(f, Math.max(BLOCK, size - BLOCK), Math.min(BLOCK, size - BLOCK), both);
      }
      f.checkUnchanged();
    }
    return ByteBuffer.allocate(8).putInt((int) c.getValue()).putInt((int) d.getValue()).array();
  }

  /** The SHA-256 of every byte of the file the walk saw as {@code expected}. */
  byte[] sha256(Path path, FileStat expected, Attributes.Sink sink) throws IOException {
    return sha256(path, expected, sink, null);
  }

  /**
   * The SHA-256 of every byte of the file, its bytes also given to {@code picture} (a picture
   * for the report made of them as they are read) when its first bytes say it is an image.
   */
  byte[] sha256(Path path, FileStat expected, Attributes.Sink sink,
      java.util.function.Function<ByteBuffer, Thumbnails.Tap> picture) throws IOException {
    MessageDigest md = sha256.get(); // reset by digest() below, or here after a failure
    md.reset();
    Thumbnails.Tap[] tap = {null};
    try (VerifiedFile f = VerifiedFile.open(path, expected, sink)) {
      if (picture == null) {
        readRange(f, 0, expected.size(), md::update);
      } else {
        boolean[] first = {true};
        readRange(f, 0, expected.size(), b -> {
          if (first[0]) {
            first[0] = false;
            tap[0] = picture.apply(b);
          } else if (tap[0] != null) {
            tap[0].add(b);
          }
          md.update(b);
        });
      }
      f.checkUnchanged();
      if (tap[0] != null) {
        tap[0].done();
        tap[0] = null;
      }
    } finally {
      if (tap[0] != null) {
        tap[0].release();
      }
    }
    return md.digest();
  }

  private void readRange(VerifiedFile f, long from, long length, Consumer<ByteBuffer> sink)
      throws IOException {
    ByteBuffer buf = buffers.get();
    long pos = from;
    long end = from + length;
    while (pos < end) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), end - pos));
      int n = f.read(buf, pos);
      if (n < 0) {
        throw new ChangedDuringRunException("file shrank");
      }
      pos += n;
      buf.flip();
      sink.accept(buf);
    }
    tally.bytesRead.addAndGet(length);
  }
}
