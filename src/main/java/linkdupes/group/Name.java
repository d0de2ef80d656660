package linkdupes.group;

import java.nio.file.Path;

/** One name of an inode, with the index of the root it was found under. */
public record Name(Path path, int root) {}
