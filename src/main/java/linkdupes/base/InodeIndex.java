package linkdupes.base;

import java.util.Arrays;

/**
 * Inodes numbered in the order they were first added: each distinct (device, inode number)
 * gets the next index, 0, 1, 2... It is a {@code Map<(dev, ino), Integer>} that makes no
 * object per entry, for the tables that hold hundreds of thousands of inodes: the inodes of a
 * large size group, the entries of the cache read into memory.
 *
 * <p>Layout: the keys in one {@code long[]}, two longs per index (16 bytes an inode), and an
 * open-addressing table of {@code int} slots holding index + 1 (0 is a free slot), at most
 * half full, probed linearly (8-16 bytes an inode). Both grow by doubling.
 *
 * <p>Not for: removing entries (there is no removal; a caller that forgets an inode keeps a
 * flag of its own), or more than 2^29 inodes.
 */
public final class InodeIndex {
  private static final int MAX = 1 << 29;

  private long[] keys;
  private int[] slots;
  private int size;

  /** An index that holds {@code expected} inodes before it grows. */
  public InodeIndex(int expected) {
    int n = Math.max(4, Math.min(expected, MAX));
    keys = new long[2 * n];
    slots = new int[Integer.highestOneBit(n - 1) << 2]; // at least twice n
  }

  /** The number of inodes added. */
  public int size() {
    return size;
  }

  /** The index of the inode, or -1 if it was never added. */
  public int find(long dev, long ino) {
    int mask = slots.length - 1;
    for (int s = slot(dev, ino, mask), e; (e = slots[s]) != 0; s = (s + 1) & mask) {
      if (keys[2 * e - 1] == ino && keys[2 * e - 2] == dev) {
        return e - 1;
      }
    }
    return -1;
  }

  /**
   * The index of the inode, added as the next one ({@link #size()} before the call) if it is
   * new; as {@code Map.putIfAbsent} would return the value already there.
   */
  public int add(long dev, long ino) {
    int mask = slots.length - 1;
    int s = slot(dev, ino, mask);
    for (int e; (e = slots[s]) != 0; s = (s + 1) & mask) {
      if (keys[2 * e - 1] == ino && keys[2 * e - 2] == dev) {
        return e - 1;
      }
    }
    if (size == MAX) {
      throw new IllegalStateException("more than " + MAX + " inodes");
    }
    int index = size++;
    if (2 * index == keys.length) {
      keys = Arrays.copyOf(keys, 4 * index);
    }
    keys[2 * index] = dev;
    keys[2 * index + 1] = ino;
    if (2 * size > slots.length) {
      rehash(2 * slots.length);
    } else {
      slots[s] = index + 1;
    }
    return index;
  }

  /** The device of the inode at {@code index}. */
  public long dev(int index) {
    return keys[2 * check(index)];
  }

  /** The inode number of the inode at {@code index}. */
  public long ino(int index) {
    return keys[2 * check(index) + 1];
  }

  private int check(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return index;
  }

  private void rehash(int capacity) {
    slots = new int[capacity];
    int mask = capacity - 1;
    for (int i = 0; i < size; i++) {
      int s = slot(keys[2 * i], keys[2 * i + 1], mask);
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = i + 1;
    }
  }

  /**
   * Where the search for an inode starts. Inode numbers of one device are often consecutive:
   * a multiplicative hash spreads them, and its high bits are folded into the low ones that the
   * mask keeps.
   */
  private static int slot(long dev, long ino, int mask) {
    long h = (ino ^ Long.rotateLeft(dev, 32)) * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29) ^ (h >>> 47)) & mask;
  }
}
