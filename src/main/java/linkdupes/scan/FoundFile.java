package linkdupes.scan;

import java.nio.file.Path;

/** A regular file met by the walk: its name, the index of the root it was found under, its size. */
public record FoundFile(Path path, int root, long size) {}
