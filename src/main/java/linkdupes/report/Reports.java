package linkdupes.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import linkdupes.pipeline.Options;
import linkdupes.pipeline.Pipeline;

/** The report asked for, on standard output; with -q, none in text unless asked for. */
public final class Reports {
  private Reports() {}

  /**
   * Writes the report of a run over {@code roots} in the format asked for; {@code errors} as
   * counted by the run's problems. Text with -q prints nothing, unless --summary was given and
   * the run had an error.
   */
  public static void write(Options.Report asked, List<Path> roots, Pipeline.Result result,
      int errors, PrintStream out) throws IOException {
    switch (asked.format()) {
      case JSON -> new JsonReport(out).write(result.summary(), result.groups(), errors);
      case CSV -> new CsvReport(out).write(result.groups());
      case TEXT -> {
        TextReport text = new TextReport(out, asked.verbosity(), asked.exactBytes(), roots);
        if (asked.summaryLine() && (!asked.quiet() || errors > 0)) {
          text.printBrief(result.summary(), result.groups(), errors);
        } else if (!asked.quiet()) {
          text.print(result.summary(), result.groups());
        }
      }
    }
  }
}
