package linkdupes.group;

import java.util.List;

/**
 * Two or more inodes whose bytes are all equal, as the reading stages found them; with the
 * SHA-256 of their content when they were told apart by it, else null (compared byte by byte).
 *
 * @param compared false for a group whose files were found equal only in size and first and
 *     last blocks, left for the kernel to compare whole as it shares their blocks (a clone,
 *     which shares nothing that differs); true once every byte was compared or hashed
 */
public record ContentGroup(List<Inode> inodes, byte[] sha256, boolean compared) {
  /** A group whose every byte was compared (or hashed). */
  public ContentGroup(List<Inode> inodes, byte[] sha256) {
    this(inodes, sha256, true);
  }

  /** A part of this group, {@code part} being some of its inodes, with its digest and flag. */
  public ContentGroup with(List<Inode> part) {
    return part.size() == inodes.size() ? this : new ContentGroup(part, sha256, compared);
  }
}
