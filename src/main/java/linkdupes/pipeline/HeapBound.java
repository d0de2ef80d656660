package linkdupes.pipeline;

import java.util.function.LongSupplier;

/**
 * Keeps the heap of a long run near twice what is live, by a full collection between batches
 * of the content stages when the heap in use has grown past that since the last one.
 *
 * <p>Why: from JDK 24 on (the distribution's runtime), the serial collector makes room for
 * what a young collection promotes by growing the old generation, not by collecting it, so
 * the objects of finished batches that outlived a young collection stay until the heap reaches
 * its maximum (a quarter of the RAM: the launcher sets none, since no size fits every tree).
 * On 551,959 small files the heap grew to 199 MiB with no full collection, 74-90 MiB of it
 * live; with this bound it made 2 and stopped at 139 MiB, peak RSS 239 MiB instead of 295 MiB
 * (JDK 17, which collected the old generation when full, made 19 and stopped at 148 MiB).
 * Below {@link #FLOOR} in use it never collects: a run of a small tree stays as it was.
 */
final class HeapBound {
  static final long FLOOR = 64L << 20;

  private final LongSupplier used;
  private final Runnable collect;
  /** In use just after the last collection this made; 0 before the first. */
  private long live;

  /** The JVM's own heap. */
  HeapBound() {
    this(() -> {
      Runtime rt = Runtime.getRuntime();
      return rt.totalMemory() - rt.freeMemory();
    }, System::gc);
  }

  HeapBound(LongSupplier used, Runnable collect) {
    this.used = used;
    this.collect = collect;
  }

  /** After a batch: a full collection when the heap in use is over twice the live and the floor. */
  void afterBatch() {
    if (used.getAsLong() > Math.max(FLOOR, 2 * live)) {
      collect.run();
      live = used.getAsLong();
    }
  }
}
