package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import linkdupes.fs.LinkOps;

/** One in-process run of the command: its exit code and what it printed. */
record CommandRun(int exitCode, String out, String err) {
  private static final Pattern BYTES =
      Pattern.compile("^(?:Freed|Would free):\\s+\\S+ \\S+ \\((\\d+) bytes\\)$", Pattern.MULTILINE);
  private static final Pattern READ =
      Pattern.compile("^Read:\\s+\\S+ \\S+ \\((\\d+) bytes\\)$", Pattern.MULTILINE);
  private static final Pattern DISK =
      Pattern.compile("^On disk:\\s+\\S+ \\S+ \\((\\d+) bytes\\)", Pattern.MULTILINE);
  private static final Pattern CLONED =
      Pattern.compile("^(?:Cloned|Would clone):\\s+(\\d+) files?$", Pattern.MULTILINE);
  private static final Pattern NAMES =
      Pattern.compile("^(?:Linked|Would link):\\s+(\\d+) names?$", Pattern.MULTILINE);

  /** Runs {@link Main#run} with the given arguments; paths are passed by their string form. */
  static CommandRun main(Object... args) {
    return capture(strings(args), (a, out, err) -> Main.run(a, out, err));
  }

  /** Runs {@link Main#run} with the given link operations. */
  static CommandRun withOps(LinkOps ops, Object... args) {
    return capture(strings(args), (a, out, err) -> Main.run(a, out, err, ops));
  }

  private interface Runner {
    int run(String[] args, PrintStream out, PrintStream err);
  }

  private static String[] strings(Object... args) {
    List<String> list = new ArrayList<>();
    for (Object a : args) {
      list.add(a instanceof Path p ? p.toString() : a.toString());
    }
    return list.toArray(new String[0]);
  }

  private static CommandRun capture(String[] args, Runner runner) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = runner.run(args, o, e);
    }
    return new CommandRun(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** The number in "(N bytes)" on the "Freed:" or "Would free:" line; exactly one such line. */
  long freedBytes() {
    return single(BYTES, "Freed/Would free");
  }

  /** The number in "(N bytes)" on the "On disk:" line: the space given back (or to be). */
  long diskFreedBytes() {
    return single(DISK, "On disk");
  }

  /** The number on the "Cloned:" or "Would clone:" line; exactly one such line. */
  long clonedFiles() {
    return single(CLONED, "Cloned/Would clone");
  }

  /** The number in "(N bytes)" on the "Read:" line (printed with -v). */
  long bytesRead() {
    return single(READ, "Read");
  }

  /** The number on the "Linked:" or "Would link:" line; exactly one such line. */
  long linkedNames() {
    return single(NAMES, "Linked/Would link");
  }

  private long single(Pattern pattern, String what) {
    Matcher m = pattern.matcher(out);
    if (!m.find()) {
      fail("no " + what + " line in the report:\n" + this);
    }
    long n = Long.parseLong(m.group(1));
    if (m.find()) {
      fail("two " + what + " lines in the report:\n" + this);
    }
    return n;
  }

  /** Exit code 0 and nothing on stderr. */
  CommandRun assertCleanSuccess() {
    assertEquals(0, exitCode, () -> "exit code; " + this);
    assertEquals("", err, () -> "stderr; " + this);
    return this;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
  }
}
