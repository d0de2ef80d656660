package linkdupes.plan;

import java.util.List;
import linkdupes.group.Inode;

/** Inodes with equal content and metadata: one is kept, every name of the others is linked to it. */
public record LinkGroup(Inode kept, List<Inode> duplicates, byte[] digest) {

  public long size() {
    return kept.size();
  }

  /** Names that are to be replaced by a link to the kept inode. */
  public long namesToLink() {
    return duplicates.stream().mapToLong(i -> i.names().size()).sum();
  }

  /** Bytes freed when every name is linked: inodes with names outside the scan stay allocated. */
  public long bytesToFree() {
    return duplicates.stream().filter(i -> !i.hasOutsideNames()).mapToLong(Inode::size).sum();
  }

  /** Duplicates that keep names outside the scanned trees, so linking them frees nothing. */
  public long duplicatesWithOutsideNames() {
    return duplicates.stream().filter(Inode::hasOutsideNames).count();
  }
}
