package linkdupes.cache;

import linkdupes.hash.Digests;

/** A store's look-ups: those answered with an entry (hits), and those without. */
final class LookUps {
  private long hits;
  private long misses;

  /** Counts {@code answers}, one per file looked up, and returns them. */
  Digests.Entry[] counted(Digests.Entry[] answers) {
    for (Digests.Entry e : answers) {
      if (e != null) {
        hits++;
      } else {
        misses++;
      }
    }
    return answers;
  }

  long hits() {
    return hits;
  }

  long misses() {
    return misses;
  }
}
