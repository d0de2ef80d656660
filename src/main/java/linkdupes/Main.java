package linkdupes;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import linkdupes.base.Problems;
import linkdupes.base.Progress;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import linkdupes.cache.RunLock;
import linkdupes.cli.Cli;
import linkdupes.cli.ExitCode;
import linkdupes.fs.LinkOps;
import linkdupes.pipeline.Format;
import linkdupes.pipeline.Options;
import linkdupes.pipeline.JournalQuery;
import linkdupes.pipeline.Names;
import linkdupes.pipeline.Pipeline;
import linkdupes.pipeline.Split;
import linkdupes.pipeline.Subcommand;
import linkdupes.pipeline.Undo;
import linkdupes.report.HtmlReport;
import linkdupes.report.JournalReport;
import linkdupes.report.NamesReport;
import linkdupes.report.ProgressDisplay;
import linkdupes.report.Reports;
import linkdupes.report.TakeBackReport;

/**
 * Entry point: the command line parsed into options, the pipeline run with them, the report
 * written, an exit code returned. Everything happens in {@link #run}, which tests call in
 * process.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, LinkOps.SYSTEM);
  }

  /** With other link operations than the system's: for tests that inject failures. */
  public static int run(String[] args, PrintStream out, PrintStream err, LinkOps ops) {
    Cli.Parsed parsed = Cli.parse(args, out, err);
    if (parsed.subcommand() != null) {
      return runSubcommand(parsed.subcommand(), out, err, ops);
    }
    if (parsed.options() == null) {
      return parsed.exitCode();
    }
    Options options = parsed.options();
    Options.Report asked = options.report();
    if (asked.verbosity() > 1) {
      // read by slf4j-simple when the first logger is made, which is after this point
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
    }
    Problems problems = new Problems(err, asked.quiet());
    try {
      Pipeline.Result result;
      // closed here too, so that no display outlives a run that ends early
      try (Progress progress = ProgressDisplay.on(err, asked.progress())) {
        result = new Pipeline(options, ops,
            new RunContext(problems, new Tally(), progress)).run();
      }
      // the page is made while the text report is printed (the mixed test tree's page took
      // 81-96 ms, its text report 25-30 ms); with --summary, whose line counts the errors,
      // first
      CompletableFuture<IOException> page = htmlReport(options, result);
      if (asked.summaryLine()) {
        pageWritten(page, options, problems);
        page = null;
      }
      Reports.write(asked, options.roots(), result, problems.errorCount(), out);
      pageWritten(page, options, problems);
    } catch (RunLock.HeldException e) {
      err.println("linkdupes: " + e.getMessage());
      err.flush();
      return ExitCode.LOCKED;
    } catch (IOException | RuntimeException e) {
      err.println("linkdupes: " + (e.getMessage() == null ? e.getClass().getName()
          : e.getMessage()));
      if (asked.verbosity() > 1) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCode.SOME_FAILED;
    }
    if (asked.format() != Format.TEXT && out.checkError()) {
      // a truncated document must not look complete to the program that reads it (a full
      // disk); text is left alone, so that `| head` or quitting a pager is no error
      problems.error("cannot write the report to standard output");
    }
    return problems.errorCount() > 0 ? ExitCode.SOME_FAILED : ExitCode.OK;
  }

  /** The HTML report asked for, written on a thread of its own; null when none is asked. */
  private static CompletableFuture<IOException> htmlReport(
      Options options, Pipeline.Result result) {
    if (options.htmlReport() == null) {
      return null;
    }
    Options.Report asked = options.report();
    return CompletableFuture.supplyAsync(() -> {
      try {
        new HtmlReport(options.roots(), asked.verbosity(), asked.exactBytes())
            .write(options.htmlReport(), result);
        return null;
      } catch (IOException e) {
        return e;
      }
    }, r -> {
      Thread t = new Thread(r, "linkdupes-page");
      t.setDaemon(true);
      t.start();
    });
  }

  /** Waits for the page; a failure to write it is an error of the run. */
  private static void pageWritten(CompletableFuture<IOException> page,
      Options options, Problems problems) {
    if (page == null) {
      return;
    }
    IOException failed = page.join();
    if (failed != null) {
      problems.error("cannot write the report", options.htmlReport(), failed);
    }
  }

  /**
   * {@code journal}, {@code undo} or {@code split}: its report on {@code out}, a refusal or
   * failure in one line on {@code err} and exit code 1.
   */
  private static int runSubcommand(Subcommand sub, PrintStream out, PrintStream err,
      LinkOps ops) {
    Options.Report asked = sub.report();
    Problems problems = new Problems(err, asked.quiet());
    RunContext run = new RunContext(problems, new Tally());
    try {
      if (sub instanceof Subcommand.ListJournal j) {
        JournalReport report = new JournalReport(out, asked.format());
        if (j.run() > 0) {
          report.names(JournalQuery.names(j.journal(), j.run()));
        } else {
          report.runs(JournalQuery.runs(j.journal()));
        }
      } else if (sub instanceof Subcommand.Undo u) {
        new TakeBackReport(out, asked.verbosity(), asked.quiet()).undo(Undo.run(u, ops, run));
      } else if (sub instanceof Subcommand.Names n) {
        new NamesReport(out, asked.format()).write(Names.run(n, run));
      } else if (sub instanceof Subcommand.Split s) {
        new TakeBackReport(out, asked.verbosity(), asked.quiet()).split(Split.run(s, ops, run));
      }
    } catch (IOException | RuntimeException e) {
      err.println("linkdupes: " + (e.getMessage() == null ? e.getClass().getName()
          : e.getMessage()));
      err.flush();
      return ExitCode.SOME_FAILED;
    }
    out.flush();
    return problems.errorCount() > 0 ? ExitCode.SOME_FAILED : ExitCode.OK;
  }
}
