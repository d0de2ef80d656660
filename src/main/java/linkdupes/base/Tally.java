package linkdupes.base;

import java.util.concurrent.atomic.AtomicLong;

/** Counters that every stage adds to and the report reads: skips by reason and bytes read. */
public final class Tally {
  public final AtomicLong changed = new AtomicLong();
  public final AtomicLong unreadable = new AtomicLong();
  public final AtomicLong bytesRead = new AtomicLong();
}
