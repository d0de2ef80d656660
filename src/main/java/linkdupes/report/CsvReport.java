package linkdupes.report;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HexFormat;
import java.util.List;
import linkdupes.base.Paths;
import linkdupes.link.GroupResult;

/**
 * The report as CSV: a header, then one row per name linked or file cloned (see the README for
 * the columns).
 * Rows are written as they are made, through Jackson's CSV writer, which does the quoting.
 */
public final class CsvReport {
  /** The columns, in order. */
  public static final CsvSchema SCHEMA = CsvSchema.builder()
      .addNumberColumn("group")
      .addNumberColumn("size")
      .addColumn("sha256")
      .addColumn("kept")
      .addColumn("path")
      .addNumberColumn("bytes_freed")
      .addNumberColumn("disk_bytes_freed")
      .addColumn("method")
      .build()
      .withHeader();

  private final OutputStream out;

  public CsvReport(OutputStream out) {
    this.out = out;
  }

  /** Writes the header and the rows in UTF-8; the group number counts from 1 in plan order. */
  public void write(List<GroupResult> groups) throws IOException {
    try (SequenceWriter rows = mapper().writer(SCHEMA).writeValues(out)) {
      long number = 0;
      for (GroupResult r : groups) {
        number++;
        byte[] digest = r.group().digest();
        String sha256 = digest == null ? null : HexFormat.of().formatHex(digest);
        for (GroupResult.Link link : r.linked()) {
          rows.write(new Object[] {number, r.group().size(), sha256,
              Paths.display(link.kept()), Paths.display(link.name().path()), r.bytesFreed(),
              r.diskBytesFreed(), r.group().method().word()});
        }
      }
    }
    out.flush();
  }

  /** The writer of every CSV table linkdupes writes (runs, journal, names). */
  static CsvMapper mapper() {
    return CsvMapper.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET) // standard output stays open
        // quote a value only when it needs it, whatever its length (else it quotes any
        // value longer than 24 characters)
        .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
        .build();
  }
}
