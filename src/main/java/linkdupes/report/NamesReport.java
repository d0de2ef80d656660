package linkdupes.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import linkdupes.base.Paths;
import linkdupes.pipeline.Format;
import linkdupes.pipeline.Names;

/** {@code linkdupes names}: each file's names as text, JSON (one document, version 1) or CSV. */
public final class NamesReport {

  private final PrintStream out;
  private final Format format;

  public NamesReport(PrintStream out, Format format) {
    this.out = out;
    this.format = format;
  }

  /** How a source is said in every format. */
  static String word(Names.Source s) {
    return switch (s) {
      case ITSELF -> "itself";
      case JOURNAL -> "journal";
      case CACHE -> "cache";
      case JOURNAL_AND_CACHE -> "journal and cache";
      case WALK -> "walk";
    };
  }

  public void write(List<Names.Found> files) throws IOException {
    switch (format) {
      case TEXT -> text(files);
      case JSON -> json(files);
      case CSV -> csv(files);
    }
    out.flush();
  }

  private void text(List<Names.Found> files) {
    for (Names.Found f : files) {
      if (f.error() != null) {
        continue; // said on stderr
      }
      String roots = f.roots().stream().map(Paths::display).collect(Collectors.joining(", "));
      String how = switch (f.source()) {
        case WALK -> "found by a walk of " + roots;
        case ITSELF -> "its only name, nothing walked";
        default -> "found through the " + word(f.source()) + ", nothing walked";
      };
      out.println(Paths.display(f.file()) + ": " + f.links() + (f.links() == 1 ? " link" : " links")
          + ", " + f.names().size() + " under " + roots
          + (f.outside() > 0 ? ", " + f.outside() + " elsewhere" : "") + " (" + how + ")");
      for (Path n : f.names()) {
        out.println("  " + Paths.display(n));
      }
    }
  }

  private void json(List<Names.Found> files) throws IOException {
    try (JsonGenerator g = JsonReport.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("version", 1);
      g.writeArrayFieldStart("files");
      for (Names.Found f : files) {
        g.writeStartObject();
        JsonReport.writePath(g, "file", f.file());
        if (f.error() != null) {
          g.writeStringField("error", f.error());
          g.writeEndObject();
          continue;
        }
        g.writeNumberField("links", f.links());
        g.writeNumberField("outside", f.outside());
        g.writeStringField("source", word(f.source()));
        g.writeArrayFieldStart("roots");
        for (Path r : f.roots()) {
          g.writeString(Paths.display(r));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("names");
        for (Path n : f.names()) {
          g.writeStartObject();
          JsonReport.writePath(g, "path", n);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.write('\n');
  }

  private void csv(List<Names.Found> files) throws IOException {
    CsvSchema schema = CsvSchema.builder().addColumn("file").addNumberColumn("links")
        .addNumberColumn("outside").addColumn("source").addColumn("name").build().withHeader();
    try (SequenceWriter rows = CsvReport.mapper().writer(schema).writeValues(out)) {
      for (Names.Found f : files) {
        if (f.error() == null) {
          for (Path n : f.names()) {
            rows.write(new Object[] {Paths.display(f.file()), f.links(), f.outside(),
                word(f.source()), Paths.display(n)});
          }
        }
      }
    }
  }
}
