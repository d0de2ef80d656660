package linkdupes.hash;

import java.util.IdentityHashMap;
import java.util.Map;
import linkdupes.fs.Attributes;
import linkdupes.group.Inode;

/**
 * What is known of the content of some inodes: the key of a file's first and last blocks, and
 * the SHA-256 of all its bytes, where they were computed. The cache gives what earlier runs
 * read; each reading stage returns what it computed, for the cache to keep.
 */
public final class Digests {
  /**
   * What is known of one inode; any part may be null. Besides its content, the cache keeps what
   * an earlier run read of its attributes (extended attributes and flags, blocks), which any
   * change of them makes a miss too: its change time moves.
   */
  public record Entry(byte[] endsKey, byte[] sha256, Attributes.Found attributes) {
    public Entry(byte[] endsKey, byte[] sha256) {
      this(endsKey, sha256, null);
    }
  }

  /** Nothing known. */
  public static final Digests NONE = new Digests(Map.of());

  private final Map<Inode, Entry> entries;

  public Digests() {
    this(new IdentityHashMap<>());
  }

  private Digests(Map<Inode, Entry> entries) {
    this.entries = entries;
  }

  /** Notes what is known of {@code inode}; not for use while another thread reads. */
  public void put(Inode inode, Entry entry) {
    entries.put(inode, entry);
  }

  /** What is known of {@code inode}, or null. */
  public Entry get(Inode inode) {
    return entries.get(inode);
  }

  /** The key of the inode's first and last blocks, or null. */
  public byte[] endsKey(Inode inode) {
    Entry e = entries.get(inode);
    return e == null ? null : e.endsKey();
  }

  /** The SHA-256 of all the inode's bytes, or null. */
  public byte[] sha256(Inode inode) {
    Entry e = entries.get(inode);
    return e == null ? null : e.sha256();
  }

  public int size() {
    return entries.size();
  }
}
