package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on a real pseudo-terminal (util-linux script), as a person runs it. */
class ProgressIT {
  private static final Path LAUNCHER = Path.of("target", "linkdupes").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void onATerminalTheProgressIsDrawnAndInAPipeItIsNot() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1)");
    byte[] big = new byte[2_000_000];
    new Random(4).nextBytes(big);
    Trees.write(dir.resolve("t/a/1.jpg"), big);
    Trees.write(dir.resolve("t/b/1.jpg"), big);
    String cmd = LAUNCHER + " --no-cache --dry-run " + dir.resolve("t");
    CommandRun tty = Subprocess.of("script", "-qec", cmd, "/dev/null").run();
    assertEquals(0, tty.exitCode(), tty.toString());
    assertTrue(tty.out().contains("Walking"), tty.out());
    assertTrue(tty.out().contains("Reading"), tty.out());
    assertTrue(tty.out().contains("Would free:"), tty.out());
    CommandRun piped = Subprocess.of("sh", "-c", cmd).run();
    assertEquals(0, piped.exitCode(), piped.toString());
    assertEquals("", piped.err());
    assertFalse(piped.out().contains("Walking"), piped.out());
  }
}
