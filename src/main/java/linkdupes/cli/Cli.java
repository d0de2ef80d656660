package linkdupes.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import linkdupes.pipeline.Options;
import linkdupes.pipeline.Subcommand;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * Parses the command line into {@link Options}, and nothing else: picocli wired in one place,
 * with the help and the version printed on the given streams and a usage error said in one
 * line with a hint.
 */
public final class Cli {
  private Cli() {}

  /**
   * What the command line asks: options to run with, or a subcommand, or else an exit code and
   * nothing to run.
   */
  public record Parsed(Options options, Subcommand subcommand, int exitCode) {
    Parsed(Options options, int exitCode) {
      this(options, null, exitCode);
    }
  }

  /**
   * Parses {@code args}. The help (-h) and the version (-V) are printed on {@code out} and
   * give exit code 0; a usage error is printed on {@code err} and gives 2.
   */
  public static Parsed parse(String[] args, PrintStream out, PrintStream err) {
    OptionTable table = new OptionTable();
    CommandLine cl = commandLine(table, out, err);
    try {
      ParseResult parsed = cl.parseArgs(args);
      Integer help = CommandLine.executeHelpRequest(parsed);
      if (help != null) {
        return new Parsed(null, help);
      }
      if (parsed.hasSubcommand()) {
        return new Parsed(null, table.subcommands.subcommand(
            parsed.subcommand().commandSpec().name(),
            OptionTable.defaultCache(System.getenv()), java.util.List.of(args)), ExitCode.OK);
      }
      return new Parsed(table.options(java.util.List.of(args)), ExitCode.OK);
    } catch (ParameterException e) {
      // an unknown option says more than the missing PATH it left behind (`linkdupes --bogus`)
      ParameterException first = e instanceof MissingParameterException
          && !cl.getUnmatchedArguments().isEmpty()
          ? new UnmatchedArgumentException(cl, cl.getUnmatchedArguments()) : e;
      PrintWriter w = cl.getErr();
      String command = e.getCommandLine() == null || e.getCommandLine() == cl ? "linkdupes"
          : "linkdupes " + e.getCommandLine().getCommandName();
      w.println("linkdupes: " + first.getMessage());
      w.println("Try '" + command + " --help' for more information.");
      w.flush();
      return new Parsed(null, ExitCode.USAGE);
    }
  }

  /** picocli's model of the command line, as the help, the man page and the completion show it. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    return commandLine(new OptionTable(), out, err);
  }

  private static CommandLine commandLine(OptionTable table, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(table.spec);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }
}
