package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution {@code mvn package} makes (src/main/dist/make-dist.sh): the tarball, unpacked
 * somewhere else, and the .deb, installed with dpkg, each run with no Java of the user's: no
 * {@code java} on the PATH and no JAVA_HOME (after {@code package}, by failsafe).
 */
class DistIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  /** What dpkg installs, and where a removal must leave nothing behind. */
  private static final List<Path> INSTALLED_UNDER = List.of(Path.of("/usr"), Path.of("/etc"),
      Path.of("/opt"));

  @TempDir Path dir;

  private static Path only(String glob) throws IOException {
    try (Stream<Path> files = Files.list(TARGET)) {
      List<Path> found = files.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob)
          .matches(p.getFileName())).collect(Collectors.toList());
      assertEquals(1, found.size(), "one " + glob + " in target/: " + found);
      return found.get(0);
    }
  }

  /**
   * A PATH of just the tools a shell script needs to find itself (sh, readlink, dirname), and
   * proof that no java is on it.
   */
  private Map<String, String> environmentWithoutJava() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("path"));
    for (String tool : List.of("sh", "readlink", "dirname")) {
      Path real = Path.of("/bin", tool).toRealPath();
      Files.createSymbolicLink(bin.resolve(tool), real);
    }
    assertFalse(Files.exists(bin.resolve("java")));
    CommandRun which = Subprocess.of("/bin/sh", "-c", "command -v java")
        .withoutEnv(name -> true).env(Map.of("PATH", bin.toString())).run();
    assertTrue(which.exitCode() != 0, "java is not on the PATH: " + which.out());
    return Map.of("PATH", bin.toString(), "LC_ALL", "C.UTF-8",
        "XDG_CACHE_HOME", TARGET.resolve("test-cache").toString());
  }

  private Path treeWithOneDuplicate() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(tree.resolve("a"), "same bytes");
    Files.writeString(tree.resolve("b"), "same bytes");
    return tree;
  }

  /** Runs a launcher with no Java of the user's: its version, then a dry run of one duplicate. */
  private void runsWithItsOwnRuntime(Path launcher) throws Exception {
    Map<String, String> env = environmentWithoutJava();
    CommandRun version = Subprocess.of(launcher.toString(), "--version")
        .withoutEnv(name -> true).env(env).run();
    assertEquals(0, version.exitCode(), version.err());
    assertTrue(version.out().startsWith("linkdupes "), version.out());
    Path log = dir.resolve("classes.log");
    Map<String, String> logging = new HashMap<>(env);
    logging.put("LINKDUPES_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    CommandRun dry = Subprocess.of(launcher.toString(), "--dry-run", "--no-cache",
        treeWithOneDuplicate().toString()).withoutEnv(name -> true).env(logging).run();
    assertEquals(0, dry.exitCode(), dry.err());
    assertEquals(1, dry.linkedNames(), dry.out());
    assertEquals("", dry.err());
    if (feature(launcher.toRealPath().getParent().resolveSibling("runtime")) >= 25) {
      // the AOT cache made at build time still matches the jar where it was unpacked, and
      // holds picocli's classes, rewritten for it (NewClassFiles.java)
      List<String> loaded = Files.readAllLines(log);
      for (String cls : List.of("linkdupes.Main ", "picocli.CommandLine ")) {
        assertTrue(loaded.stream().anyMatch(l -> l.contains(cls)
            && l.contains("shared objects file")), cls + "came from the AOT cache");
      }
    }
  }

  /** The Java feature release of a runtime, from its release file. */
  private static int feature(Path runtime) throws IOException {
    for (String line : Files.readAllLines(runtime.resolve("release"))) {
      if (line.startsWith("JAVA_VERSION=\"")) {
        String v = line.substring("JAVA_VERSION=\"".length());
        return Integer.parseInt(v.split("[.\"]")[0]);
      }
    }
    throw new AssertionError("no JAVA_VERSION in " + runtime.resolve("release"));
  }

  @Test
  void theTarballWorksUnpackedAnywhere() throws Exception {
    Path tarball = only("linkdupes-*-linux-*.tar.gz");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    CommandRun untar = Subprocess.of("tar", "-C", elsewhere.toString(), "-xzf",
        tarball.toString()).run();
    assertEquals(0, untar.exitCode(), untar.err());
    Path top;
    try (Stream<Path> entries = Files.list(elsewhere)) {
      top = entries.findFirst().orElseThrow();
    }
    for (String file : List.of("bin/linkdupes", "lib/linkdupes.jar", "runtime/bin/java",
        "share/man/man1/linkdupes.1", "share/bash-completion/completions/linkdupes")) {
      assertTrue(Files.exists(top.resolve(file)), file + " is in the tarball");
    }
    runsWithItsOwnRuntime(top.resolve("bin/linkdupes"));
  }

  /** Every name under the folders dpkg installs into. */
  private static List<String> installedFiles() throws IOException {
    List<String> names = new ArrayList<>();
    for (Path root : INSTALLED_UNDER) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> all = Files.walk(root)) {
          all.map(Path::toString).forEach(names::add);
        }
      }
    }
    return names;
  }

  @Test
  void theDebInstallsRunsAndRemovesCleanly() throws Exception {
    assumeTrue(Host.isRoot(), "dpkg -i needs root");
    assumeTrue(Subprocess.of("dpkg-deb", "--version").run().exitCode() == 0,
        "no dpkg on this machine");
    assumeTrue(Subprocess.of("dpkg", "-s", "linkdupes").run().exitCode() != 0,
        "a linkdupes package is installed already; the test leaves it alone");
    Path deb = only("linkdupes_*.deb");
    Set<String> before = new HashSet<>(installedFiles());
    try {
      CommandRun install = Subprocess.of("dpkg", "-i", deb.toString()).run();
      assertEquals(0, install.exitCode(), install.out() + install.err());
      assertTrue(Files.isSymbolicLink(Path.of("/usr/bin/linkdupes")), "/usr/bin/linkdupes");
      runsWithItsOwnRuntime(Path.of("/usr/bin/linkdupes"));
      CommandRun man = Subprocess.of("man", "-w", "linkdupes").run();
      assertEquals(0, man.exitCode(), man.err());
      assertEquals("/usr/share/man/man1/linkdupes.1.gz", man.out().strip());
      assertTrue(Files.isRegularFile(
          Path.of("/usr/share/bash-completion/completions/linkdupes")), "the completion");
    } finally {
      CommandRun remove = Subprocess.of("dpkg", "-r", "linkdupes").run();
      assertEquals(0, remove.exitCode(), remove.out() + remove.err());
    }
    List<String> after = installedFiles();
    List<String> left = after.stream().filter(f -> !before.contains(f))
        .collect(Collectors.toList());
    assertEquals(List.of(), left, "what dpkg -r left behind");
    assertEquals(1, Subprocess.of("dpkg", "-s", "linkdupes").run().exitCode(),
        "dpkg knows the package no more");
  }
}
