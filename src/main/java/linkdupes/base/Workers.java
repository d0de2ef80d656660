package linkdupes.base;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs the items of a list on several threads, each taking the next index from a shared counter,
 * so no object is made per item. Reading and linking both work this way.
 */
public final class Workers {
  private Workers() {}

  /** One thread's share of the work, with whatever state it keeps; closed when it is done. */
  public interface Worker extends AutoCloseable {
    void run(int index);

    @Override
    default void close() {}
  }

  /**
   * Runs every index of {@code [0, n)} once, on up to {@code workers} workers, each made by
   * {@code newWorker} on a thread that {@code executor} runs it on. Waits for all of them, and
   * keeps waiting when interrupted (the interrupt is kept for the caller): an item under way is
   * never abandoned. The first {@code RuntimeException} or {@code Error} of a worker stops the
   * others after their current item and is thrown here.
   */
  public static void forEachIndex(int n, int workers, Executor executor,
      Supplier<? extends Worker> newWorker) {
    int count = Math.max(1, Math.min(workers, n));
    if (n == 0) {
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(count);
    Runnable body = () -> {
      try (Worker worker = newWorker.get()) {
        for (int k = next.getAndIncrement(); k < n && failure.get() == null;
            k = next.getAndIncrement()) {
          worker.run(k);
        }
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      } finally {
        done.countDown();
      }
    };
    for (int i = 0; i < count; i++) {
      try {
        executor.execute(body);
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
        done.countDown(); // this worker never started
      }
    }
    boolean interrupted = false;
    while (true) {
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable f = failure.get();
    if (f instanceof RuntimeException e) {
      throw e;
    } else if (f instanceof Error e) {
      throw e;
    }
  }
}
