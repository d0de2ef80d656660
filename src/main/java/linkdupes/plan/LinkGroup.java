package linkdupes.plan;

import java.util.List;
import linkdupes.group.Inode;

/**
 * Inodes with equal content and metadata: one is kept, every name of the others is linked to
 * it; or, by {@link Method#CLONE}, inodes with equal content of which every other shares the
 * kept one's blocks, each keeping its names and metadata. The totals are computed once, since
 * the plan is sorted by them.
 *
 * @param namesToLink names that are to be replaced by a link to the kept inode; for a clone,
 *     the files (inodes) that are to share its blocks
 * @param bytesToFree bytes freed when every name is linked: inodes with names outside the scan
 *     stay allocated
 * @param diskBytesToFree the space on the device those inodes occupy ({@link
 *     Inode#allocatedBytes}): what the file system gets back
 * @param duplicatesWithOutsideNames duplicates that keep names outside the scanned trees, so
 *     linking them frees nothing
 * @param method {@link Method#HARDLINK} or {@link Method#CLONE}
 * @param diskBytesEach of a clone, the space each duplicate's blocks no other file shares
 *     occupy, parallel to {@code duplicates}; null for hard links
 * @param compared false for a clone whose files were found equal only in size and first and
 *     last blocks ({@link linkdupes.group.ContentGroup#compared}): the kernel compares the rest
 *     as it shares, and a file it finds different is not a duplicate of the kept one
 */
public record LinkGroup(Inode kept, List<Inode> duplicates, byte[] digest, long namesToLink,
    long bytesToFree, long diskBytesToFree, long duplicatesWithOutsideNames, Method method,
    long[] diskBytesEach, boolean compared) {

  public LinkGroup(Inode kept, List<Inode> duplicates, byte[] digest) {
    this(kept, duplicates, digest, true);
  }

  /** A group of {@code compared} content (see the record's parameter of that name). */
  public LinkGroup(Inode kept, List<Inode> duplicates, byte[] digest, boolean compared) {
    this(kept, duplicates, digest, names(duplicates), freed(duplicates), freedOnDisk(duplicates),
        outside(duplicates), Method.HARDLINK, null, compared);
  }

  /**
   * A group whose duplicates are to share the kept file's blocks: its content bytes are all
   * theirs (names outside the roots see the same file, so they do not matter), and the space it
   * frees is what their blocks not shared yet occupy, {@code diskBytesEach}, from their extents.
   */
  public static LinkGroup clone(Inode kept, List<Inode> duplicates, byte[] digest,
      long[] diskBytesEach, boolean compared) {
    long bytes = 0;
    long disk = 0;
    for (int i = 0; i < duplicates.size(); i++) {
      bytes += duplicates.get(i).size();
      disk += diskBytesEach[i];
    }
    return new LinkGroup(kept, duplicates, digest, duplicates.size(), bytes, disk, 0,
        Method.CLONE, diskBytesEach, compared);
  }

  public boolean isClone() {
    return method == Method.CLONE;
  }

  public long size() {
    return kept.size();
  }

  private static long names(List<Inode> duplicates) {
    long n = 0;
    for (Inode i : duplicates) {
      n += i.nameCount();
    }
    return n;
  }

  private static long freed(List<Inode> duplicates) {
    long n = 0;
    for (Inode i : duplicates) {
      n += i.hasOutsideNames() ? 0 : i.size();
    }
    return n;
  }

  private static long freedOnDisk(List<Inode> duplicates) {
    long n = 0;
    for (Inode i : duplicates) {
      n += i.hasOutsideNames() ? 0 : i.allocatedBytes();
    }
    return n;
  }

  private static long outside(List<Inode> duplicates) {
    long n = 0;
    for (Inode i : duplicates) {
      n += i.hasOutsideNames() ? 1 : 0;
    }
    return n;
  }
}
