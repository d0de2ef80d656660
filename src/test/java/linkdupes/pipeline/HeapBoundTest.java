package linkdupes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapBoundTest {
  private static final long MIB = 1 << 20;

  /** A heap whose use the test sets; a collection leaves what the test says is live. */
  private static final class FakeHeap {
    long used;
    long liveAfterCollection;
    final List<Long> collectedAt = new ArrayList<>();

    HeapBound bound() {
      return new HeapBound(() -> used, () -> {
        collectedAt.add(used);
        used = liveAfterCollection;
      });
    }
  }

  @Test
  void aSmallHeapIsNeverCollected() {
    FakeHeap heap = new FakeHeap();
    HeapBound bound = heap.bound();
    for (long mib = 1; mib <= 64; mib++) {
      heap.used = mib * MIB;
      bound.afterBatch();
    }
    assertEquals(List.of(), heap.collectedAt);
  }

  @Test
  void collectsWhenTheHeapInUseDoubledSinceTheLastCollection() {
    FakeHeap heap = new FakeHeap();
    HeapBound bound = heap.bound();
    heap.used = 70 * MIB; // over the floor: collected, 40 MiB live
    heap.liveAfterCollection = 40 * MIB;
    bound.afterBatch();
    heap.used = 79 * MIB; // under twice the live (80 MiB) and close to the floor: left
    bound.afterBatch();
    heap.used = 81 * MIB; // over both
    heap.liveAfterCollection = 60 * MIB;
    bound.afterBatch();
    heap.used = 119 * MIB; // under 120 MiB
    bound.afterBatch();
    heap.used = 121 * MIB;
    bound.afterBatch();
    assertEquals(List.of(70 * MIB, 81 * MIB, 121 * MIB), heap.collectedAt);
  }
}
