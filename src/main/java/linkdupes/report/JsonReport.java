package linkdupes.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import linkdupes.base.Paths;
import linkdupes.fs.PathBytes;
import linkdupes.link.GroupResult;
import linkdupes.pipeline.Summary;

/**
 * The report as one JSON document, schema version 1 (see the README). It is written group by
 * group through a streaming generator, so a run with a million groups never holds the document.
 */
public final class JsonReport {
  /** Raised only when a field is renamed or removed, or its meaning changes. */
  public static final int VERSION = 1;

  /** The generators of every JSON document linkdupes writes (runs, journal, names). */
  static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET) // standard output stays open
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private final OutputStream out;

  public JsonReport(OutputStream out) {
    this.out = out;
  }

  /** Writes the document in UTF-8, then a newline; {@code errors} as counted by Problems. */
  public void write(Summary s, List<GroupResult> groups, int errors) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("version", VERSION);
      g.writeBooleanField("dryRun", s.dryRun());
      g.writeArrayFieldStart("groups");
      for (GroupResult r : groups) {
        writeGroup(g, r);
      }
      g.writeEndArray();
      writeSummary(g, s, errors);
      g.writeEndObject();
      g.writeRaw('\n');
    }
    out.flush();
  }

  private static void writeGroup(JsonGenerator g, GroupResult r) throws IOException {
    Path kept = r.group().kept().firstName().path();
    g.writeStartObject();
    g.writeNumberField("size", r.group().size());
    writeDigest(g, r.group().digest());
    writePath(g, "kept", kept);
    g.writeArrayFieldStart("linked");
    for (GroupResult.Link link : r.linked()) {
      g.writeStartObject();
      writePath(g, "path", link.name().path());
      writePath(g, "kept", link.kept());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("bytesFreed", r.bytesFreed());
    g.writeNumberField("diskBytesFreed", r.diskBytesFreed());
    g.writeStringField("method", r.group().method().word());
    g.writeEndObject();
  }

  /**
   * A path as shown to people, and beside it, where that text does not give back its exact
   * bytes (a name that is not valid UTF-8, or one with characters shown escaped), the bytes
   * themselves in base64 as {@code FIELDBase64}, so that a script can act on the very file.
   */
  static void writePath(JsonGenerator g, String field, Path path) throws IOException {
    String shown = Paths.display(path);
    g.writeStringField(field, shown);
    byte[] bytes = PathBytes.of(path);
    if (!shown.equals(utf8(bytes))) {
      g.writeStringField(field + "Base64", Base64.getEncoder().encodeToString(bytes));
    }
  }

  /** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static void writeDigest(JsonGenerator g, byte[] digest) throws IOException {
    if (digest == null) {
      g.writeNullField("sha256");
    } else {
      g.writeStringField("sha256", HexFormat.of().formatHex(digest));
    }
  }

  private static void writeSummary(JsonGenerator g, Summary s, int errors) throws IOException {
    g.writeObjectFieldStart("summary");
    g.writeNumberField("filesScanned", s.scanned().files());
    g.writeNumberField("bytesScanned", s.scanned().bytes());
    g.writeNumberField("groups", s.planned().groups());
    g.writeNumberField("namesLinked", s.linked().names());
    g.writeNumberField("filesCloned", s.linked().filesCloned());
    g.writeArrayFieldStart("fileSystems");
    for (java.util.Map.Entry<String, linkdupes.plan.Method> fs : s.fileSystems().entrySet()) {
      g.writeStartObject();
      g.writeStringField("fileSystem", fs.getKey()); // shown safe already
      g.writeStringField("method", fs.getValue().word());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("bytesFreed", s.linked().bytesFreed());
    g.writeNumberField("diskBytesFreed", s.linked().diskBytesFreed());
    g.writeNumberField("linkedWithOutsideNames", s.planned().withOutsideNames());
    g.writeNumberField("leftOtherMetadata", s.planned().leftOtherMetadata());
    g.writeNumberField("leftOtherDevice", s.planned().leftOtherDevice());
    g.writeNumberField("leftoversRemoved", s.linked().leftoversRemoved());
    g.writeNumberField("changed", s.changed());
    g.writeNumberField("unreadable", s.unreadable());
    g.writeNumberField("tooRecent", s.scanned().tooRecent());
    g.writeNumberField("bytesRead", s.bytesRead());
    g.writeNumberField("errors", errors);
    // milliseconds, as a plain decimal: 0.312, never 3.12E-1
    g.writeNumberField("seconds", BigDecimal.valueOf(s.elapsed().toMillis(), 3));
    g.writeEndObject();
  }
}
