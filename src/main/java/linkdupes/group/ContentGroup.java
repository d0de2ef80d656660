package linkdupes.group;

import java.util.List;

/**
 * Two or more inodes whose bytes are all equal, as the reading stages found them; with the
 * SHA-256 of their content when they were told apart by it, else null (compared byte by byte).
 */
public record ContentGroup(List<Inode> inodes, byte[] sha256) {}
