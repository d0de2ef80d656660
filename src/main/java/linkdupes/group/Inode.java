package linkdupes.group;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import linkdupes.scan.FileStat;

/**
 * A file's content as stored once on a device: its attributes when scanned, every name of it
 * found under the roots, and its digests once computed.
 */
public final class Inode {
  private final FileStat stat;
  private final List<Name> names = new ArrayList<>(1);
  private byte[] partialDigest;
  private byte[] fullDigest;

  public Inode(FileStat stat) {
    this.stat = stat;
  }

  public FileStat stat() {
    return stat;
  }

  public long size() {
    return stat.size();
  }

  public List<Name> names() {
    return Collections.unmodifiableList(names);
  }

  public void addName(Name name) {
    names.add(name);
  }

  /** The name read and linked to: the first found. */
  public Name firstName() {
    return names.get(0);
  }

  /** True when the inode has names the scan did not see, so replacing ours frees nothing. */
  public boolean hasOutsideNames() {
    return stat.nlink() > names.size();
  }

  public byte[] partialDigest() {
    return partialDigest;
  }

  public void setPartialDigest(byte[] digest) {
    this.partialDigest = digest;
  }

  public byte[] fullDigest() {
    return fullDigest;
  }

  public void setFullDigest(byte[] digest) {
    this.fullDigest = digest;
  }
}
