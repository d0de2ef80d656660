package linkdupes;

import static linkdupes.Trees.mtime;
import static linkdupes.Trees.random;
import static linkdupes.Trees.rel;
import static linkdupes.Trees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import linkdupes.base.Paths;
import linkdupes.fs.LinkOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON and CSV reports of real runs on real trees, parsed back with Jackson: every field,
 * names that need escaping, a real run's links checked against the tree, and an empty tree.
 */
class MachineReportsTest {
  private static final long T = 1_000_000_000L;
  private static final byte[] BIG = random(70_001, 3000);
  private static final byte[] SMALL = random(70_002, 1000);
  private static final byte[] UNIQUE = random(70_003, 1000);
  private static final List<String> TOP_FIELDS = List.of("version", "dryRun", "groups", "summary");
  private static final List<String> GROUP_FIELDS =
      List.of("size", "sha256", "kept", "linked", "bytesFreed", "diskBytesFreed", "method");
  private static final List<String> SUMMARY_FIELDS = List.of("filesScanned", "bytesScanned",
      "groups", "namesLinked", "filesCloned", "fileSystems", "bytesFreed", "diskBytesFreed",
      "linkedWithOutsideNames", "leftOtherMetadata", "leftOtherDevice", "leftoversRemoved", "changed", "unreadable",
      "tooRecent", "bytesRead", "errors", "seconds");
  private static final List<String> CSV_COLUMNS =
      List.of("group", "size", "sha256", "kept", "path", "bytes_freed",
          "disk_bytes_freed", "method");

  @TempDir Path tmp;
  TestTree tree;
  /** Kept of the 3000-byte group: the oldest of its three copies. */
  Path bigKept;
  /** The other two copies, one with a space in its name. */
  List<Path> bigLinked;
  /** Kept of the 1000-byte group, and its copy whose name holds a newline. */
  Path smallKept;
  Path newline;

  @BeforeEach
  void setUp() {
    tree = TestTree.in(tmp);
    bigKept = mtime(write(tree.path("photos/one.jpg"), BIG), T);
    bigLinked = List.of(
        mtime(write(tree.path("backup/one.jpg"), BIG), T + 10),
        mtime(write(tree.path("backup/one copy.jpg"), BIG), T + 20));
    smallKept = mtime(write(tree.path("notes.txt"), SMALL), T);
    newline = mtime(write(tree.path("old/notes\nfrom, \"2019\".txt"), SMALL), T + 10);
    write(tree.path("unique.bin"), UNIQUE);
  }

  private static JsonNode json(CommandRun run) {
    try {
      // one document and nothing after it
      return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readTree(run.out());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON:\n" + run, e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String shown(Path p) {
    return Paths.display(p);
  }

  /** The linked paths of a group, as written. */
  private static Set<String> linkedPaths(JsonNode group) {
    Set<String> paths = new HashSet<>();
    group.get("linked").forEach(l -> paths.add(l.get("path").asText()));
    return paths;
  }

  /** Checks a group's fields against the tree built in setUp. */
  private static void assertGroup(JsonNode g, long size, byte[] content, Path kept,
      List<Path> linked, long bytesFreed) {
    assertEquals(GROUP_FIELDS, fieldNames(g), g::toString);
    assertEquals(size, g.get("size").longValue(), g::toString);
    assertTrue(g.get("size").isIntegralNumber(), g::toString);
    JsonNode sha = g.get("sha256");
    assertTrue(sha.isNull() || sha.asText().equals(TreeListing.sha256(content)),
        () -> "sha256 is null or the content's digest: " + g);
    assertEquals(shown(kept), g.get("kept").asText(), g::toString);
    Set<String> expected = new HashSet<>();
    linked.forEach(p -> expected.add(shown(p)));
    assertEquals(expected, linkedPaths(g), g::toString);
    for (JsonNode l : g.get("linked")) {
      // a name shown with escapes also comes as its exact bytes, beside it
      List<String> fields = l.get("path").asText().contains("\\")
          ? List.of("path", "pathBase64", "kept") : List.of("path", "kept");
      assertEquals(fields, fieldNames(l), g::toString);
      if (l.has("pathBase64")) {
        String exact = new String(java.util.Base64.getDecoder()
            .decode(l.get("pathBase64").asText()), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(l.get("path").asText(), shown(Path.of(exact)), g::toString);
      }
      assertEquals(shown(kept), l.get("kept").asText(), g::toString);
    }
    assertEquals(bytesFreed, g.get("bytesFreed").longValue(), g::toString);
    assertTrue(g.get("bytesFreed").isIntegralNumber(), g::toString);
  }

  private static long sumOfGroups(JsonNode doc, String field) {
    long sum = 0;
    for (JsonNode g : doc.get("groups")) {
      sum += g.get(field).longValue();
    }
    return sum;
  }

  @Test
  void jsonOfADryRunHoldsEveryGroupNameAndFigure() {
    Outcome o = tree.run("--dry-run", "--format", "json");

    o.run().assertCleanSuccess();
    o.before().assertIdenticalTo(o.after());
    JsonNode doc = json(o.run());
    assertEquals(TOP_FIELDS, fieldNames(doc));
    assertEquals(1, doc.get("version").intValue());
    assertTrue(doc.get("dryRun").booleanValue());
    JsonNode groups = doc.get("groups");
    assertEquals(2, groups.size(), doc::toPrettyString);
    // largest saving first, as in the text report
    assertGroup(groups.get(0), 3000, BIG, bigKept, bigLinked, 6000);
    assertGroup(groups.get(1), 1000, SMALL, smallKept, List.of(newline), 1000);

    JsonNode s = doc.get("summary");
    assertEquals(SUMMARY_FIELDS, fieldNames(s));
    assertEquals(6, s.get("filesScanned").longValue());
    assertEquals(3 * 3000 + 2 * 1000 + 1000, s.get("bytesScanned").longValue());
    assertEquals(2, s.get("groups").longValue());
    assertEquals(3, s.get("namesLinked").longValue());
    assertEquals(7000, s.get("bytesFreed").longValue());
    assertEquals(sumOfGroups(doc, "bytesFreed"), s.get("bytesFreed").longValue());
    for (String zero : List.of("linkedWithOutsideNames", "leftOtherMetadata", "leftOtherDevice",
        "leftoversRemoved", "changed", "unreadable", "tooRecent", "errors")) {
      assertEquals(0, s.get(zero).longValue(), zero);
      assertTrue(s.get(zero).isIntegralNumber(), zero);
    }
    assertTrue(s.get("bytesRead").longValue() >= 7000, s::toString);
    assertTrue(s.get("seconds").isNumber() && s.get("seconds").doubleValue() >= 0, s::toString);
    // the text report and its summary are not printed
    assertFalse(o.run().out().contains("Dry run"), o.run()::toString);
    assertFalse(o.run().out().contains("Scanned:"), o.run()::toString);
  }

  @Test
  void jsonShowsNamesAsTheTextReportDoesSoANewlineCannotSplitALine() {
    CommandRun run = CommandRun.main("-n", "--format", "json", tree);

    run.assertCleanSuccess();
    JsonNode small = json(run).get("groups").get(1);
    String written = small.get("linked").get(0).get("path").asText();
    assertEquals(tree + "/old/notes\\nfrom, \"2019\".txt", written);
    assertEquals(shown(newline), written);
    assertEquals(1, run.out().lines().count(), "the document is one line:\n" + run);
  }

  @Test
  void jsonOfARealRunNamesWhatWasLinkedAndFreed() {
    Outcome o = tree.run("--format", "json");

    o.run().assertCleanSuccess();
    JsonNode doc = json(o.run());
    assertFalse(doc.get("dryRun").booleanValue());
    assertGroup(doc.get("groups").get(0), 3000, BIG, bigKept, bigLinked, 6000);
    assertGroup(doc.get("groups").get(1), 1000, SMALL, smallKept, List.of(newline), 1000);
    o.after().assertOneInode(rel("tree/photos/one.jpg", "tree/backup/one.jpg",
        "tree/backup/one copy.jpg"));
    o.after().assertOneInode(List.of(tmp.relativize(smallKept), tmp.relativize(newline)));
    assertEquals(o.before().ino("tree", "photos", "one.jpg"),
        o.after().ino("tree", "backup", "one copy.jpg"), "linked to the kept file");
    long freed = doc.get("summary").get("bytesFreed").longValue();
    assertEquals(o.before().bytesOfInodesGoneIn(o.after()), freed);
    assertEquals(sumOfGroups(doc, "bytesFreed"), freed);
    assertEquals(3, doc.get("summary").get("namesLinked").longValue());
  }

  @Test
  void jsonOfAnEmptyTreeHasNoGroups() {
    Path empty = Trees.mkdirs(tmp.resolve("empty"));

    CommandRun run = CommandRun.main("--format", "json", empty);

    run.assertCleanSuccess();
    JsonNode doc = json(run);
    assertEquals(TOP_FIELDS, fieldNames(doc));
    assertTrue(doc.get("groups").isArray());
    assertEquals(0, doc.get("groups").size());
    assertFalse(doc.get("dryRun").booleanValue());
    JsonNode s = doc.get("summary");
    assertEquals(SUMMARY_FIELDS, fieldNames(s));
    for (String field : SUMMARY_FIELDS.subList(0, SUMMARY_FIELDS.size() - 1)) {
      assertEquals(0, s.get(field).longValue(), field);
    }
  }

  @Test
  void jsonAndCsvCarryTheDigestOfAGroupThatWasHashed() {
    // a group of more than 64 files is split by a SHA-256 of each file
    Path many = Trees.mkdirs(tmp.resolve("many"));
    byte[] content = random(70_004, 10_000);
    for (int i = 0; i < 70; i++) {
      write(many.resolve("f" + i), content);
    }

    CommandRun json = CommandRun.main("-n", "--format", "json", many);
    CommandRun csv = CommandRun.main("-n", "--format", "csv", many);

    json.assertCleanSuccess();
    csv.assertCleanSuccess();
    JsonNode g = json(json).get("groups").get(0);
    assertEquals(TreeListing.sha256(content), g.get("sha256").asText(), g::toString);
    assertEquals(69, g.get("linked").size());
    List<Map<String, String>> rows = csv(csv, header -> assertEquals(CSV_COLUMNS, header));
    assertEquals(69, rows.size());
    assertTrue(rows.stream().allMatch(r -> r.get("sha256").equals(TreeListing.sha256(content))),
        csv::toString);
  }

  @Test
  void jsonNamesTheFileThatTookOverWhenTheKeptOneHadTooManyLinks() {
    Path two = Trees.mkdirs(tmp.resolve("two"));
    List<Path> copies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      copies.add(mtime(write(two.resolve("f" + i), SMALL), T + i));
    }

    Outcome o = Outcome.of(tmp,
        () -> CommandRun.withOps(FakeOps.linkLimit(3), "--format", "json", two));

    o.run().assertCleanSuccess();
    JsonNode g = json(o.run()).get("groups").get(0);
    assertEquals(shown(copies.get(0)), g.get("kept").asText());
    List<String> keptOfLinks = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    g.get("linked").forEach(l -> {
      paths.add(l.get("path").asText());
      keptOfLinks.add(l.get("kept").asText());
    });
    // f0 takes two more names (3 links); f3 refuses to link and takes over for f4
    assertEquals(List.of(shown(copies.get(1)), shown(copies.get(2)), shown(copies.get(4))),
        paths, g::toPrettyString);
    assertEquals(List.of(shown(copies.get(0)), shown(copies.get(0)), shown(copies.get(3))),
        keptOfLinks, g::toPrettyString);
    assertEquals(o.after().ino("two", "f3"), o.after().ino("two", "f4"));
    assertEquals(3 * 1000, g.get("bytesFreed").longValue());
    assertEquals(o.before().bytesOfInodesGoneIn(o.after()), g.get("bytesFreed").longValue());
  }

  /** Link operations under which links to the small group's kept file fail. */
  private LinkOps fullForSmallGroup() {
    return FakeOps.withCreateLink((link, existing) -> {
      if (existing.equals(smallKept)) {
        throw new FileSystemException(link.toString(), null, "No space left on device");
      }
      LinkOps.SYSTEM.createLink(link, existing);
    });
  }

  @Test
  void jsonCountsErrorsAndLeavesOutTheNamesThatFailed() {
    LinkOps full = fullForSmallGroup();

    Outcome o = tree.runWith(full, "--format", "json");

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    assertTrue(o.run().err().contains("No space left on device"), o.run()::toString);
    JsonNode doc = json(o.run());
    assertEquals(2, doc.get("groups").size(), "every group of the plan is listed");
    assertGroup(doc.get("groups").get(0), 3000, BIG, bigKept, bigLinked, 6000);
    JsonNode failed = doc.get("groups").get(1);
    assertEquals(0, failed.get("linked").size(), failed::toString);
    assertEquals(0, failed.get("bytesFreed").longValue(), failed::toString);
    JsonNode s = doc.get("summary");
    assertEquals(1, s.get("errors").longValue(), s::toString);
    assertEquals(2, s.get("namesLinked").longValue(), s::toString);
    assertEquals(6000, s.get("bytesFreed").longValue(), s::toString);
    assertEquals(o.before().bytesOfInodesGoneIn(o.after()), 6000);
  }

  @Test
  void quietStillWritesTheReportAskedFor() {
    CommandRun json = CommandRun.main("-q", "-n", "--format", "json", tree);
    CommandRun csv = CommandRun.main("-q", "-n", "--format", "csv", tree);

    json.assertCleanSuccess();
    csv.assertCleanSuccess();
    assertEquals(2, json(json).get("groups").size());
    assertEquals(4, csv.out().lines().count(), csv::toString);
  }

  @ParameterizedTest(name = "--format {0}")
  @ValueSource(strings = {"json", "csv"})
  void aDocumentThatCannotBeWrittenEndsWithExitCode1(String format) {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(full, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(new String[] {"-n", "--format", format, tree.toString()}, out, e);
    }

    assertEquals(1, code);
    assertEquals("linkdupes: cannot write the report to standard output\n",
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void formatIsCheckedAndNamedInTheMessage() {
    CommandRun run = CommandRun.main("--format", "xml", tree);

    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("", run.out());
    assertEquals(List.of(
            "linkdupes: Invalid value for option '--format': expected text, json or csv, not 'xml'",
            "Try 'linkdupes --help' for more information."),
        run.err().lines().toList());
  }

  // ---------------------------------------------------------------------------------------
  // CSV

  private static List<Map<String, String>> csv(CommandRun run, Consumer<List<String>> header) {
    CsvMapper mapper = new CsvMapper();
    try (MappingIterator<Map<String, String>> rows = mapper.readerFor(Map.class)
        .with(CsvSchema.emptySchema().withHeader())
        .with(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
        .readValues(run.out())) {
      List<Map<String, String>> all = rows.readAll();
      List<String> names = new ArrayList<>();
      ((CsvSchema) rows.getParserSchema()).forEach(c -> names.add(c.getName()));
      header.accept(names);
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException("not CSV:\n" + run, e);
    }
  }

  @Test
  void csvHasAHeaderAndOneRowPerLinkedName() {
    Outcome o = tree.run("--format", "csv");

    o.run().assertCleanSuccess();
    List<Map<String, String>> rows =
        csv(o.run(), header -> assertEquals(CSV_COLUMNS, header));
    assertEquals(3, rows.size(), o.run()::toString);
    Set<String> bigPaths = new HashSet<>();
    for (Map<String, String> row : rows.subList(0, 2)) {
      assertEquals("1", row.get("group"), row::toString);
      assertEquals("3000", row.get("size"), row::toString);
      assertEquals(shown(bigKept), row.get("kept"), row::toString);
      assertEquals("6000", row.get("bytes_freed"), row::toString);
      String sha = row.get("sha256");
      assertTrue(sha.isEmpty() || sha.equals(TreeListing.sha256(BIG)), row::toString);
      bigPaths.add(row.get("path"));
    }
    assertEquals(Set.of(shown(bigLinked.get(0)), shown(bigLinked.get(1))), bigPaths);
    Map<String, String> small = rows.get(2);
    assertEquals("2", small.get("group"), small::toString);
    assertEquals("1000", small.get("size"), small::toString);
    assertEquals(shown(smallKept), small.get("kept"), small::toString);
    // a comma, quotes and an escaped newline in one name: one field, one line
    assertEquals(shown(newline), small.get("path"), small::toString);
    assertEquals("1000", small.get("bytes_freed"), small::toString);
    assertEquals(4, o.run().out().lines().count(), o.run()::toString);
    o.after().assertOneInode(List.of(tmp.relativize(smallKept), tmp.relativize(newline)));
  }

  @Test
  void csvHasNoRowForANameThatFailedToLink() {
    LinkOps full = fullForSmallGroup();

    Outcome o = tree.runWith(full, "--format", "csv");

    assertEquals(1, o.run().exitCode(), o.run()::toString);
    List<Map<String, String>> rows = csv(o.run(), header -> assertEquals(CSV_COLUMNS, header));
    assertEquals(List.of("1", "1"), rows.stream().map(r -> r.get("group")).toList());
    assertFalse(o.run().out().contains(shown(newline)), o.run()::toString);
    assertEquals(6000, o.before().bytesOfInodesGoneIn(o.after()));
  }

  @Test
  void csvOfADryRunHasTheSameRowsAndChangesNothing() {
    Outcome dry = tree.run("-n", "--format", "csv");

    dry.run().assertCleanSuccess();
    dry.before().assertIdenticalTo(dry.after());
    List<Map<String, String>> rows = csv(dry.run(), header -> assertEquals(CSV_COLUMNS, header));
    assertEquals(3, rows.size(), dry.run()::toString);
    assertEquals(List.of("1", "1", "2"), rows.stream().map(r -> r.get("group")).toList());
  }

  @Test
  void csvOfAnEmptyTreeIsTheHeaderAlone() {
    Path empty = Trees.mkdirs(tmp.resolve("empty"));

    CommandRun run = CommandRun.main("--format", "csv", empty);

    run.assertCleanSuccess();
    assertEquals("group,size,sha256,kept,path,bytes_freed,disk_bytes_freed,method\n",
        run.out());
    assertEquals(List.of(), csv(run, header -> assertEquals(CSV_COLUMNS, header)));
  }
}
