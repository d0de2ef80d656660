package linkdupes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.concurrent.atomic.AtomicInteger;
import linkdupes.fs.Errno;
import linkdupes.fs.ErrnoException;
import linkdupes.fs.LinkOps;

/**
 * The real link operations ({@link LinkOps#SYSTEM}), for a test to override one at a time:
 * {@code new FakeOps() { public void rename(...) { throw ... } }}.
 */
public class FakeOps implements LinkOps {

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    LinkOps.SYSTEM.createLink(link, existing);
  }

  @Override
  public void rename(SecureDirectoryStream<Path> dir, Path source, Path target)
      throws IOException {
    LinkOps.SYSTEM.rename(dir, source, target);
  }

  @Override
  public void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    LinkOps.SYSTEM.delete(dir, name);
  }

  /** A replacement for {@link LinkOps#createLink}. */
  public interface CreateLink {
    void createLink(Path link, Path existing) throws IOException;
  }

  /** The real link operations, with createLink replaced. */
  public static LinkOps withCreateLink(CreateLink createLink) {
    return new FakeOps() {
      @Override
      public void createLink(Path link, Path existing) throws IOException {
        createLink.createLink(link, existing);
      }
    };
  }

  /** Real link operations on a file system that allows at most {@code max} links per inode. */
  public static LinkOps linkLimit(int max) {
    return withCreateLink((link, existing) -> {
      int nlink = (Integer) Files.getAttribute(existing, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      if (nlink >= max) {
        throw new ErrnoException(Errno.EMLINK, link.toString(), existing.toString(),
            "Too many links");
      }
      Files.createLink(link, existing);
    });
  }

  /**
   * The real link operations, where the first createLink call also runs {@code change} (given
   * that call's arguments) just before the real call: a change that lands between the hashing
   * and the linking.
   */
  public static FirstLink beforeFirstLink(CreateLink change) {
    return new FirstLink(change, true);
  }

  /**
   * Like {@link #beforeFirstLink}, with {@code change} run just after the real call, the first
   * time one succeeds.
   */
  public static FirstLink afterFirstLink(CreateLink change) {
    return new FirstLink(change, false);
  }

  /** Real link operations with a change at the first createLink; counts the calls. */
  public static final class FirstLink extends FakeOps {
    private final CreateLink change;
    private final boolean before;
    private final AtomicInteger calls = new AtomicInteger();

    private FirstLink(CreateLink change, boolean before) {
      this.change = change;
      this.before = before;
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
      if (before && calls.incrementAndGet() == 1) {
        change.createLink(link, existing);
      }
      LinkOps.SYSTEM.createLink(link, existing);
      if (!before && calls.incrementAndGet() == 1) {
        change.createLink(link, existing);
      }
    }

    /** The createLink calls so far; after {@link #afterFirstLink}, those whose link was made. */
    public int calls() {
      return calls.get();
    }
  }
}
