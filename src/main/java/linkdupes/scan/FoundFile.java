package linkdupes.scan;

import java.nio.file.Path;

/**
 * A regular file met by the walk: its name, the index of the root it was found under, its size,
 * and its full attributes when the walk could read them without another stat (else null).
 */
public record FoundFile(Path path, int root, long size, FileStat stat) {

  public FoundFile(Path path, int root, long size) {
    this(path, root, size, null);
  }
}
