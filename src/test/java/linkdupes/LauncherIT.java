package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script and class-data archive that {@code mvn package} puts beside the jar, run
 * as a user runs them (after {@code package}, by failsafe).
 */
class LauncherIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Path LAUNCHER = TARGET.resolve("linkdupes");

  @TempDir Path dir;

  @Test
  void theLauncherIsExecutableAndRunsTheJar() throws Exception {
    assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is executable");
    CommandRun run = Subprocess.of(LAUNCHER.toString(), "--version").run();
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("linkdupes "), run.out());
  }

  @Test
  void aLinkToTheLauncherFromAnotherFolderFindsTheJar() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("a"), "same bytes");
    Files.writeString(tree.resolve("b"), "same bytes");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("linkdupes"), LAUNCHER);
    CommandRun run = Subprocess.of(link.toString(), "--dry-run", tree.toString()).in(bin).run();
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(1, run.linkedNames(), run.out());
    assertEquals("", run.err());
  }

  @Test
  void theJvmRunsTheSerialCollectorAndStartsFromTheArchive() throws Exception {
    Path log = dir.resolve("classes.log");
    CommandRun run = Subprocess.of(LAUNCHER.toString(), "--dry-run", dir.toString())
        .env(Map.of("LINKDUPES_JAVA_OPTS",
            "-Xlog:gc:stderr -Xlog:class+load=info:file=" + log))
        .run();
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("Using Serial"), run.err());
    String classes = Files.readString(log);
    assertTrue(classes.lines().anyMatch(l -> l.contains("linkdupes.Main ")
        && l.contains("shared objects file")), "linkdupes.Main came from the archive");
  }
}
