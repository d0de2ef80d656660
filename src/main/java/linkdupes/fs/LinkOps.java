package linkdupes.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * The file system calls that change anything, behind one interface so tests can inject
 * failures (a low link limit, a full disk, a refusal, a tree changing under the run). A
 * failure keeps the system's error number where the JDK lets us have it ({@link Failure#of}
 * tells what it means).
 */
public interface LinkOps {

  /** Creates {@code link} as a new name of {@code existing}; fails if {@code link} exists. */
  void createLink(Path link, Path existing) throws IOException;

  /** Renames {@code source} over {@code target}, both names in {@code dir}, atomically. */
  void rename(SecureDirectoryStream<Path> dir, Path source, Path target) throws IOException;

  /** Removes the name {@code name} from {@code dir}. */
  void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException;

  /** The real calls: link(2), renameat(2), unlinkat(2). */
  LinkOps SYSTEM = new LinkOps() {
    @Override
    public void createLink(Path link, Path existing) throws IOException {
      if (Jdk.callsAvailable(link, existing)) {
        Jdk.link(existing, link); // an error keeps its number
      } else {
        Files.createLink(link, existing);
      }
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
