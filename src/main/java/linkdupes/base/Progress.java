package linkdupes.base;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the stages tell a progress display as they go. They only report counts; whether and how
 * anything is drawn is the display's business ({@code report.ProgressDisplay}).
 */
public interface Progress extends AutoCloseable {
  /** No display: every call does nothing. */
  Progress NONE = new Progress() {};

  /** Files and bytes found by the walk so far. */
  default void walked(long files, long bytes) {}

  /** The walk is done; reading begins: {@code read} counts up to {@code toRead} bytes at most. */
  default void reading(long toRead, AtomicLong read) {}

  /** Reading is done; linking begins, {@code groups} groups. */
  default void linking(long groups) {}

  /** Reading is done; cloning (sharing blocks) begins, {@code groups} groups; as linking. */
  default void cloning(long groups) {
    linking(groups);
  }

  /** One more group linked (or cloned). */
  default void linkedGroup() {}

  /** The run's work is done: the last state is drawn before the report is printed. */
  @Override
  default void close() {}
}
