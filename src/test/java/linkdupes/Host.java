package linkdupes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What the machine running the tests is and has: root, commands, devices. */
final class Host {
  private Host() {}

  /** True when the tests run as root (mounting, chattr, other owners). */
  static boolean isRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The executable named {@code command} on PATH or in the sbin folders. */
  static Optional<Path> which(String command) {
    List<String> dirs = new ArrayList<>(Arrays.asList(
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, command))
        .filter(Files::isExecutable).findFirst();
  }

  /** The device a path is on. */
  static long dev(Path p) throws IOException {
    return (Long) Files.getAttribute(p, "unix:dev");
  }

  /** Runs a command; exit code -1 when it cannot be started or does not finish in time. */
  static CommandRun exec(List<String> command, int timeoutSeconds) {
    return Subprocess.of(command).timeout(Duration.ofSeconds(timeoutSeconds)).run();
  }
}
