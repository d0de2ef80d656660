package linkdupes.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One run at a time per cache: an advisory lock ({@code fcntl}) on {@code FILE.lock} beside
 * the cache, held for the whole run. The system releases it when the process ends, however it
 * ends, so a killed run never leaves it stuck. The file holds the process id of the holder, for
 * the message another run prints.
 */
public final class RunLock implements AutoCloseable {
  /** Another run holds the lock. */
  public static final class HeldException extends Exception {
    HeldException(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static Path lockFile(Path cache) {
    return cache.resolveSibling(cache.getFileName() + ".lock");
  }

  /**
   * Takes the lock of {@code cache}; with {@code wait}, waits while another run holds it, else
   * throws {@link HeldException} at once. {@code waiting} runs once if the run has to wait.
   */
  public static RunLock acquire(Path cache, boolean wait, Runnable waiting)
      throws IOException, HeldException {
    Path file = lockFile(cache);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent, PrivateFolder.FOLDER);
    }
    // never through a symlink: a lock that leads elsewhere would have that file truncated
    FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
        PrivateFolder.FILE);
    try {
      FileLock lock = tryLock(ch);
      if (lock == null) {
        if (!wait) {
          throw new HeldException("another run of linkdupes" + holder(ch) + " is using the cache "
              + cache + "; not starting (--wait waits for it)");
        }
        waiting.run();
        lock = lockWaiting(ch);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.US_ASCII)), 0);
      return new RunLock(ch, lock);
    } catch (IOException | HeldException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by another run in this JVM
    }
  }

  private static FileLock lockWaiting(FileChannel ch) throws IOException {
    while (true) {
      try {
        return ch.lock();
      } catch (OverlappingFileLockException e) {
        try {
          Thread.sleep(100); // held in this JVM: the system would not make us wait for it
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the cache", ie);
        }
      }
    }
  }

  /** " (process N)" from the lock file, or nothing when it holds no number. */
  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d+") ? " (process " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the system releases the lock with the descriptor anyway
    }
  }
}
