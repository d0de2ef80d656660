package linkdupes.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import linkdupes.fs.LinkOps;
import picocli.CommandLine;

/** Wires picocli in one place: streams, error handlers and exit codes. */
public final class Cli {
  private Cli() {}

  /**
   * Built-in converters picocli need not set up: no option takes a java.sql or java.time type
   * (durations have their own converter). Each is looked up by reflection when a command line
   * is made, loading its classes and, for java.sql, reading the JDK's module image: about
   * 20 ms of every start (119 classes).
   */
  static final String UNUSED_CONVERTERS = "java\\.(sql|time)\\..*";

  public static CommandLine commandLine(PrintStream out, PrintStream err, LinkOps ops) {
    if (System.getProperty("picocli.converters.excludes") == null) {
      System.setProperty("picocli.converters.excludes", UNUSED_CONVERTERS);
    }
    LinkdupesCommand command = new LinkdupesCommand(out, err, ops);
    CommandLine cl = new CommandLine(LinkdupesCommand.spec(command));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setParameterExceptionHandler((e, args) -> {
      PrintWriter w = e.getCommandLine().getErr();
      w.println("linkdupes: " + e.getMessage());
      w.println("Try 'linkdupes --help' for more information.");
      w.flush();
      return ExitCode.USAGE;
    });
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      PrintWriter w = line.getErr();
      String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      w.println("linkdupes: " + message);
      if (command.verbose.length > 1) {
        e.printStackTrace(w);
      }
      w.flush();
      return ExitCode.SOME_FAILED;
    });
    return cl;
  }

  /** Parses and runs; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err, LinkOps ops) {
    return commandLine(out, err, ops).execute(args);
  }
}
