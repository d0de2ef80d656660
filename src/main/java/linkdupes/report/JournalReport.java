package linkdupes.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import linkdupes.base.Paths;
import linkdupes.base.Sizes;
import linkdupes.journal.Entry;
import linkdupes.journal.RunInfo;
import linkdupes.pipeline.Format;
import linkdupes.pipeline.JournalQuery;
import linkdupes.pipeline.NameState;

/**
 * {@code linkdupes journal}: the runs (or one run's names) as text, JSON (one document,
 * version 1) or CSV.
 */
public final class JournalReport {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
          .withZone(ZoneId.systemDefault());

  private final PrintStream out;
  private final Format format;

  public JournalReport(PrintStream out, Format format) {
    this.out = out;
    this.format = format;
  }

  /** The word for where a name stands now, as every format shows it. */
  static String word(NameState.Now now) {
    return switch (now) {
      case LINKED -> "linked";
      case MODIFIED -> "linked, written to since";
      case GIVEN_BACK -> "own copy again";
      case UNTOUCHED -> "not changed";
      case OTHER -> "another file now";
      case GONE -> "gone";
      case CLONE -> "cloned";
    };
  }

  private static String roots(RunInfo r) {
    return r.roots().stream().map(Paths::display).collect(Collectors.joining(" "));
  }

  private static String when(Instant i) {
    return i == null ? "" : WHEN.format(i);
  }

  public void runs(List<JournalQuery.RunRow> runs) throws IOException {
    switch (format) {
      case TEXT -> {
        if (runs.isEmpty()) {
          out.println("The journal holds no run.");
          return;
        }
        out.println(String.format("%-5s %-19s  %-5s %8s %10s %8s  %s", "RUN", "STARTED", "KIND",
            "NAMES", "FREED", "CURRENT", "ROOTS"));
        for (JournalQuery.RunRow row : runs) {
          RunInfo r = row.run();
          String kind = r.kind() + (row.killed() ? "*" : "");
          out.println(String.format("%-5d %-19s  %-5s %8d %10s %8d  %s", r.id(),
              when(r.started()), kind, row.changed(),
              r.kind().equals("link") ? Sizes.human(r.bytesFreed()) : "-", row.current(),
              r.kind().equals("undo") ? "undoes run " + r.undoes() : roots(r)));
        }
        if (runs.stream().anyMatch(JournalQuery.RunRow::killed)) {
          out.println("* did not finish (killed, or running): its names as they are now");
        }
      }
      case JSON -> {
        try (JsonGenerator g = JsonReport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
          g.writeStartObject();
          g.writeNumberField("version", 1);
          g.writeArrayFieldStart("runs");
          for (JournalQuery.RunRow row : runs) {
            writeRun(g, row);
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeRaw('\n');
        }
      }
      case CSV -> {
        CsvSchema schema = CsvSchema.builder().addNumberColumn("run").addColumn("kind")
            .addColumn("started").addColumn("finished").addNumberColumn("names")
            .addNumberColumn("current").addNumberColumn("bytes_freed")
            .addNumberColumn("undoes").addColumn("roots").build().withHeader();
        try (SequenceWriter rows = CsvReport.mapper().writer(schema).writeValues(out)) {
          for (JournalQuery.RunRow row : runs) {
            RunInfo r = row.run();
            rows.write(new Object[] {r.id(), r.kind(), iso(r.started()), iso(r.finished()),
                row.changed(), row.current(), r.bytesFreed(), r.undoes(), roots(r)});
          }
        }
      }
    }
    out.flush();
  }

  public void names(JournalQuery.RunNames names) throws IOException {
    RunInfo r = names.run().run();
    switch (format) {
      case TEXT -> {
        out.println("Run " + r.id() + " (" + r.kind() + "), " + when(r.started())
            + (r.finished() == null ? ", did not finish" : "") + ": "
            + (r.kind().equals("undo") ? "undoes run " + r.undoes() : roots(r)));
        out.println("  " + r.options());
        for (JournalQuery.NameRow n : names.names()) {
          Entry e = n.entry();
          out.println(String.format("  %-24s %s%s", word(n.now()), Paths.display(e.path()),
              e.kept().equals(e.path()) ? "" : "  ->  " + Paths.display(e.kept())));
        }
        out.println(names.run().changed() + " names changed, " + names.run().current()
            + " still as the run left them");
      }
      case JSON -> {
        try (JsonGenerator g = JsonReport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
          g.writeStartObject();
          g.writeNumberField("version", 1);
          g.writeFieldName("run");
          writeRun(g, names.run());
          g.writeArrayFieldStart("names");
          for (JournalQuery.NameRow n : names.names()) {
            Entry e = n.entry();
            g.writeStartObject();
            JsonReport.writePath(g, "path", e.path());
            JsonReport.writePath(g, "kept", e.kept());
            g.writeStringField("method", e.method());
            g.writeNumberField("size", e.before().size());
            g.writeStringField("now", word(n.now()));
            g.writeStringField("mode", Integer.toOctalString(e.meta().mode()));
            g.writeNumberField("uid", e.meta().uid());
            g.writeNumberField("gid", e.meta().gid());
            g.writeStringField("modified", Instant.ofEpochSecond(0, e.meta().mtimeNanos())
                .toString());
            g.writeNumberField("xattrs", e.meta().xattrs().size());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeRaw('\n');
        }
      }
      case CSV -> {
        CsvSchema schema = CsvSchema.builder().addNumberColumn("run").addColumn("path")
            .addColumn("kept").addColumn("method").addNumberColumn("size").addColumn("now")
            .build().withHeader();
        try (SequenceWriter rows = CsvReport.mapper().writer(schema).writeValues(out)) {
          for (JournalQuery.NameRow n : names.names()) {
            Entry e = n.entry();
            rows.write(new Object[] {r.id(), Paths.display(e.path()), Paths.display(e.kept()),
                e.method(), e.before().size(), word(n.now())});
          }
        }
      }
    }
    out.flush();
  }

  private static void writeRun(JsonGenerator g, JournalQuery.RunRow row) throws IOException {
    RunInfo r = row.run();
    g.writeStartObject();
    g.writeNumberField("run", r.id());
    g.writeStringField("kind", r.kind());
    g.writeStringField("started", iso(r.started()));
    if (r.finished() == null) {
      g.writeNullField("finished");
    } else {
      g.writeStringField("finished", iso(r.finished()));
    }
    g.writeArrayFieldStart("roots");
    for (Path p : r.roots()) {
      g.writeString(Paths.display(p));
    }
    g.writeEndArray();
    g.writeStringField("options", r.options());
    g.writeNumberField("undoes", r.undoes());
    g.writeNumberField("names", row.changed());
    g.writeNumberField("current", row.current());
    g.writeNumberField("bytesFreed", r.bytesFreed());
    g.writeEndObject();
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }

}
