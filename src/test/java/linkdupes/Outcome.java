package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A run of the command between two listings of a directory, with the checks that hold for
 * every run: no path lost or changed in type or bytes, no temporary name left, and the bytes
 * the report says were freed are exactly the sizes of the inodes that are gone.
 */
record Outcome(TreeListing before, CommandRun run, TreeListing after) {

  /** Lists {@code listed}, runs, lists again, and makes the checks every run must pass. */
  static Outcome of(Path listed, Supplier<CommandRun> command) {
    TreeListing before = TreeListing.of(listed);
    CommandRun run = command.get();
    TreeListing after = TreeListing.of(listed);
    before.assertNothingLostIn(after);
    after.assertNoTemporaryNames();
    if (run.out().contains("Freed:")) {
      assertEquals(before.bytesOfInodesGoneIn(after), run.freedBytes(),
          () -> "reported freed bytes vs. sizes of inodes that are gone\n" + run
              + "\nbefore:\n" + before + "\nafter:\n" + after);
    }
    if (run.out().contains("Would free:")) {
      before.assertIdenticalTo(after);
    }
    return new Outcome(before, run, after);
  }

  /** Runs {@link Main#run} on the given arguments; {@code listed} is the directory listed. */
  static Outcome main(Path listed, Object... args) {
    return of(listed, () -> CommandRun.main(args));
  }
}
