package linkdupes.link;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file system calls that change anything, behind one interface so tests can inject
 * failures (a low link limit, a full disk, a refusal).
 */
public interface LinkOps {

  /** Creates {@code link} as a new name of {@code existing}; fails if {@code link} exists. */
  void createLink(Path link, Path existing) throws IOException;

  /** Renames {@code source} over {@code target} atomically. */
  void rename(Path source, Path target) throws IOException;

  /** Removes a name if it exists. */
  void delete(Path path) throws IOException;

  /** True when a failed {@link #createLink} means the file has too many links (EMLINK). */
  default boolean isTooManyLinks(IOException e) {
    return e instanceof FileSystemException fse && "Too many links".equals(fse.getReason());
  }

  /** The real calls: link(2), rename(2), unlink(2). */
  LinkOps SYSTEM = new LinkOps() {
    @Override
    public void createLink(Path link, Path existing) throws IOException {
      Files.createLink(link, existing);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(Path path) throws IOException {
      Files.deleteIfExists(path);
    }
  };
}
