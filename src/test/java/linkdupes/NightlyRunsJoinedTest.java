package linkdupes;

import linkdupes.cache.DigestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The nightly runs again, with the cache joined with the run's candidates in one pass, as a
 * cache of more than {@link DigestStore#PRELOAD_AT_MOST} entries is when the run looks up many
 * of them.
 */
class NightlyRunsJoinedTest extends NightlyRunsTest {
  @BeforeEach
  void joinInOnePass() {
    System.setProperty(DigestStore.PRELOAD_PROPERTY, "-1");
    System.setProperty("linkdupes.cache.join", "always");
  }

  @AfterEach
  void readWholeAgain() {
    System.clearProperty(DigestStore.PRELOAD_PROPERTY);
    System.clearProperty("linkdupes.cache.join");
  }
}
