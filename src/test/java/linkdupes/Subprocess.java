package linkdupes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command to run in a new process: linkdupes in its own JVM, bash, mount, chattr... Its
 * stdin is closed and its stdout and stderr go to files, not pipes (a command that leaves a
 * daemon behind, like fusefat, would hold a pipe open and block the read).
 */
final class Subprocess {
  private final List<String> command;
  private Path dir;
  private Predicate<String> removedVariables = name -> false;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Charset charset = StandardCharsets.UTF_8;
  private Duration timeout = Duration.ofSeconds(60);

  private Subprocess(List<String> command) {
    this.command = List.copyOf(command);
  }

  static Subprocess of(List<String> command) {
    return new Subprocess(command);
  }

  static Subprocess of(String... command) {
    return of(List.of(command));
  }

  /** {@code bash -c SCRIPT bash ARGS...}: the arguments are {@code $1}, {@code $2}... */
  static Subprocess bash(String script, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash"));
    command.addAll(List.of(args));
    return of(command);
  }

  /** {@code linkdupes.Main} in a new JVM on this test's class path. */
  /** The command as the jar runs it: its manifest opens the JDK's paths to linkdupes. */
  static Subprocess linkdupes(Object... args) {
    return of(linkdupesCommand(testClassPath(), List.of(ADD_OPENS, OPENED), args));
  }

  static final String ADD_OPENS = "--add-opens";
  static final String OPENED = "java.base/sun.nio.fs=ALL-UNNAMED";

  /** The java executable of the JVM that runs the tests. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The class path the tests run on: the main and test classes and every dependency. */
  static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** {@code java JVM-OPTIONS -cp CLASSPATH linkdupes.Main ARGS}; paths by their string form. */
  static List<String> linkdupesCommand(String classPath, List<String> jvmOptions, Object... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath, "linkdupes.Main"));
    for (Object a : args) {
      command.add(a.toString());
    }
    return command;
  }

  /** The working directory; the test JVM's when not set. */
  Subprocess in(Path directory) {
    this.dir = directory;
    return this;
  }

  /** Variables set (or replaced) in the environment inherited from the test JVM. */
  Subprocess env(Map<String, String> variables) {
    env.putAll(variables);
    return this;
  }

  /** Removes the inherited variables whose names match, before {@link #env} sets its own. */
  Subprocess withoutEnv(Predicate<String> names) {
    removedVariables = removedVariables.or(names);
    return this;
  }

  /** How stdout and stderr are decoded; UTF-8 when not set. */
  Subprocess decodedAs(Charset outputCharset) {
    this.charset = outputCharset;
    return this;
  }

  Subprocess timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /** Starts the command with stdout and stderr written to the given files, and returns. */
  Process start(Path out, Path err) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().keySet().removeIf(removedVariables);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  /**
   * Runs the command to its end. One that cannot be started or does not finish in time (it is
   * then killed) gives exit code -1 and the reason on stderr, so a test that expects any real
   * exit code fails and one that only asks "did it work?" gets no.
   */
  CommandRun run() {
    try {
      Path out = Files.createTempFile("linkdupes-out-", ".txt");
      Path err = Files.createTempFile("linkdupes-err-", ".txt");
      try {
        Process p;
        try {
          p = start(out, err);
        } catch (IOException e) {
          return new CommandRun(-1, "", "cannot start " + command + ": " + e.getMessage() + "\n");
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          return new CommandRun(-1, Files.readString(out, charset), Files.readString(err, charset)
              + "did not finish in " + timeout.toSeconds() + " s: " + command + "\n");
        }
        return new CommandRun(p.exitValue(), Files.readString(out, charset),
            Files.readString(err, charset));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
