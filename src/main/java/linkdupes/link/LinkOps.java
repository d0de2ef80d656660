package linkdupes.link;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.Set;

/**
 * The file system calls that change anything, behind one interface so tests can inject
 * failures (a low link limit, a full disk, a refusal, a tree changing under the run).
 */
public interface LinkOps {

  /** Creates {@code link} as a new name of {@code existing}; fails if {@code link} exists. */
  void createLink(Path link, Path existing) throws IOException;

  /** Renames {@code source} over {@code target}, both names in {@code dir}, atomically. */
  void rename(SecureDirectoryStream<Path> dir, Path source, Path target) throws IOException;

  /** Removes the name {@code name} from {@code dir}. */
  void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException;

  /** True when a failed {@link #createLink} means the file has too many links (EMLINK). */
  default boolean isTooManyLinks(IOException e) {
    return e instanceof FileSystemException fse && "Too many links".equals(fse.getReason());
  }

  /**
   * True when a failed {@link #createLink} will fail the same way for every name of the group:
   * the file system has no hard links, is read-only, or the kept file refuses links.
   */
  default boolean failsForWholeGroup(IOException e) {
    return e instanceof FileSystemException fse && fse.getReason() != null
        && Set.of("Operation not permitted", "Operation not supported", "Read-only file system",
            "Invalid cross-device link").contains(fse.getReason());
  }

  /** The real calls: link(2), renameat(2), unlinkat(2). */
  LinkOps SYSTEM = new LinkOps() {
    @Override
    public void createLink(Path link, Path existing) throws IOException {
      Files.createLink(link, existing);
    }

    @Override
    public void rename(SecureDirectoryStream<Path> dir, Path source, Path target)
        throws IOException {
      dir.move(source, dir, target);
    }

    @Override
    public void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
      dir.deleteFile(name);
    }
  };
}
