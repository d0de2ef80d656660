package linkdupes.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index against the contract it stands in for: a {@code Map<(dev, ino), Integer>} whose
 * values are the order of first insertion, filled with {@code putIfAbsent}. Every operation is
 * checked against a {@link LinkedHashMap} doing the same.
 */
class InodeIndexTest {
  private record Key(long dev, long ino) {}

  /** Keys as they come: consecutive inodes, a few devices, and the extremes of a long. */
  private static Key key(SplittableRandom r, int pool) {
    return switch (r.nextInt(6)) {
      case 0 -> new Key(r.nextInt(3), r.nextInt(pool)); // consecutive inodes on few devices
      case 1 -> new Key(r.nextLong(), r.nextLong()); // anything
      case 2 -> new Key(Long.MIN_VALUE + r.nextInt(2), Long.MAX_VALUE - r.nextInt(2));
      case 3 -> new Key(-r.nextInt(3), -r.nextInt(pool)); // negative: a long is signed
      case 4 -> new Key(r.nextInt(pool), 0); // the device varies, the inode does not
      default -> new Key((long) r.nextInt(pool) << 32, (long) r.nextInt(pool) << 32);
    };
  }

  @ParameterizedTest(name = "starting with room for {0}")
  @ValueSource(ints = {0, 1, 4, 5, 1000})
  void behavesAsAMapOfFirstInsertionOrder(int expected) {
    for (long seed = 0; seed < 20; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      InodeIndex index = new InodeIndex(expected);
      Map<Key, Integer> model = new LinkedHashMap<>();
      int pool = 1 + r.nextInt(5000);
      int ops = r.nextInt(20_000);
      for (int op = 0; op < ops; op++) {
        Key k = key(r, pool);
        String where = "seed " + seed + ", operation " + op + ", " + k;
        if (r.nextInt(3) == 0) {
          assertEquals(model.getOrDefault(k, -1), index.find(k.dev(), k.ino()), where);
        } else {
          Integer had = model.putIfAbsent(k, model.size());
          assertEquals(had != null ? had : model.size() - 1, index.add(k.dev(), k.ino()), where);
        }
        assertEquals(model.size(), index.size(), where);
      }
      List<Key> order = new ArrayList<>(model.keySet());
      for (int i = 0; i < order.size(); i++) {
        assertEquals(order.get(i), new Key(index.dev(i), index.ino(i)), "seed " + seed);
        assertEquals(i, index.find(order.get(i).dev(), order.get(i).ino()), "seed " + seed);
      }
    }
  }

  @Test
  void aMillionConsecutiveInodesAreEachFoundAtTheirIndex() {
    InodeIndex index = new InodeIndex(16);
    int n = 1_000_000;
    for (int i = 0; i < n; i++) {
      assertEquals(i, index.add(2049, 1_000_000_000L + i));
    }
    for (int i = 0; i < n; i++) {
      assertEquals(i, index.find(2049, 1_000_000_000L + i));
      assertEquals(i, index.add(2049, 1_000_000_000L + i), "adding again changes nothing");
    }
    assertEquals(-1, index.find(2050, 1_000_000_000L));
    assertEquals(-1, index.find(2049, 1_000_000_000L + n));
    assertEquals(n, index.size());
  }

  @Test
  void anInodeNumberOnTwoDevicesIsTwoInodes() {
    InodeIndex index = new InodeIndex(4);
    assertEquals(0, index.add(1, 42));
    assertEquals(1, index.add(2, 42));
    assertEquals(2, index.add(42, 1)); // the same numbers the other way round
    assertEquals(1, index.find(2, 42));
    assertEquals(2, index.find(42, 1));
    assertEquals(-1, index.find(3, 42));
  }

  @Test
  void readingPastTheLastIndexFails() {
    InodeIndex index = new InodeIndex(8);
    index.add(1, 1);
    assertEquals(1, index.dev(0));
    assertThrows(IndexOutOfBoundsException.class, () -> index.dev(1));
    assertThrows(IndexOutOfBoundsException.class, () -> index.ino(-1));
  }
}
