package linkdupes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import linkdupes.fs.FileStat;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.group.TestInodes;
import linkdupes.link.GroupResult;
import linkdupes.pipeline.Summary;
import linkdupes.plan.LinkGroup;
import linkdupes.plan.LinkPlan;
import linkdupes.scan.FileTable;
import linkdupes.scan.ScanResult;
import org.junit.jupiter.api.Test;

/**
 * The JSON and CSV reports are written as the groups are visited, not built first: when the
 * last of thousands of groups is made, most of the document has already reached the stream.
 */
class StreamedReportsTest {
  private static final int GROUPS = 5000;
  /** One table for every inode of the test: a table is made for millions of rows. */
  private static final FileTable TABLE = new FileTable();

  /** Groups made only when visited, each noting how many bytes the stream had by then. */
  private static final class LazyGroups extends AbstractList<GroupResult> {
    private final ByteArrayOutputStream out;
    private final long[] writtenBefore = new long[GROUPS];

    LazyGroups(ByteArrayOutputStream out) {
      this.out = out;
    }

    @Override
    public GroupResult get(int index) {
      writtenBefore[index] = out.size();
      return GroupResult.planned(group(index));
    }

    @Override
    public int size() {
      return GROUPS;
    }
  }

  /** Group {@code i}: a kept file and two copies of {@code 1000 + i} bytes. */
  private static LinkGroup group(int i) {
    long size = 1000 + i;
    Inode kept = inode(3L * i, size, "/data/kept/" + i);
    List<Inode> dups = List.of(inode(3L * i + 1, size, "/data/copy/" + i + "/a"),
        inode(3L * i + 2, size, "/data/copy/" + i + "/b"));
    byte[] digest = new byte[32];
    digest[0] = (byte) i;
    digest[31] = (byte) 0xab;
    return new LinkGroup(kept, dups, digest);
  }

  private static Inode inode(long ino, long size, String name) {
    return TestInodes.of(TABLE, new FileStat(1, ino, size, 0, 0, 0100644, 0, 0, 1),
        List.of(new Name(Path.of(name), 0)));
  }

  private static Summary summary() {
    return new Summary(true, new ScanResult.Counts(3L * GROUPS, 0, 0, 0, 0, 0),
        new LinkPlan.Counts(GROUPS, 0, 0, 0), new Summary.Linked(2L * GROUPS, 0, 0, 0), 0, 0, 0,
        Duration.ofMillis(1234));
  }

  @Test
  void jsonReachesTheStreamWhileTheGroupsAreStillBeingVisited() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LazyGroups groups = new LazyGroups(out);

    new JsonReport(out).write(summary(), groups, 0);

    long total = out.size();
    long beforeLast = groups.writtenBefore[GROUPS - 1];
    assertTrue(beforeLast > total * 9 / 10,
        "bytes written when the last group was visited: " + beforeLast + " of " + total);
    JsonNode doc = new ObjectMapper().readTree(out.toByteArray());
    assertEquals(GROUPS, doc.get("groups").size());
    JsonNode last = doc.get("groups").get(GROUPS - 1);
    assertEquals(1000 + GROUPS - 1, last.get("size").longValue());
    assertEquals("/data/kept/" + (GROUPS - 1), last.get("kept").asText());
    assertEquals("/data/copy/" + (GROUPS - 1) + "/b",
        last.get("linked").get(1).get("path").asText());
    assertEquals(2L * (1000 + GROUPS - 1), last.get("bytesFreed").longValue());
    assertEquals("87" + "00".repeat(30) + "ab", last.get("sha256").asText(),
        "the digest in lowercase hex, 64 digits");
    assertEquals("1.234", doc.get("summary").get("seconds").toString());
  }

  @Test
  void csvReachesTheStreamWhileTheGroupsAreStillBeingVisited() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LazyGroups groups = new LazyGroups(out);

    new CsvReport(out).write(groups);

    long total = out.size();
    long beforeLast = groups.writtenBefore[GROUPS - 1];
    assertTrue(beforeLast > total * 9 / 10,
        "bytes written when the last group was visited: " + beforeLast + " of " + total);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1 + 2 * GROUPS, lines.size());
    assertEquals("5000,5999," + "87" + "00".repeat(30) + "ab,/data/kept/4999,/data/copy/4999/b,"
        + 2 * 5999 + "," + 2 * 5999 + ",hardlink", lines.get(lines.size() - 1));
  }
}
