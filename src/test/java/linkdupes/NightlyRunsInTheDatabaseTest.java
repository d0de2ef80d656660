package linkdupes;

import linkdupes.cache.DigestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The nightly runs again, with the cache looked up in the database a batch at a time, as a
 * cache of more than {@link DigestStore#PRELOAD_AT_MOST} entries is when the run looks up few
 * of them, instead of read whole.
 */
class NightlyRunsInTheDatabaseTest extends NightlyRunsTest {
  @BeforeEach
  void lookUpInTheDatabase() {
    System.setProperty(DigestStore.PRELOAD_PROPERTY, "-1");
    System.setProperty("linkdupes.cache.join", "never");
  }

  @AfterEach
  void readWholeAgain() {
    System.clearProperty(DigestStore.PRELOAD_PROPERTY);
    System.clearProperty("linkdupes.cache.join");
  }
}
