package linkdupes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import linkdupes.fs.PathBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code linkdupes names}: where a file's other names are. */
class NamesTest {
  @TempDir Path tmp;

  private JsonNode json(CommandRun r) throws IOException {
    return new ObjectMapper().readTree(r.out());
  }

  private static Set<String> names(JsonNode file) {
    Set<String> out = new HashSet<>();
    file.get("names").forEach(n -> out.add(n.get("path").asText()));
    return out;
  }

  /** A file's six names: five in three folders under the root, one outside it. */
  private List<Path> sixNames() throws IOException {
    Path root = tmp.toRealPath().resolve("root");
    Path first = Trees.write(Trees.mkdirs(root.resolve("a")).resolve("x"), Trees.random(1, 500));
    List<Path> all = new ArrayList<>(List.of(first));
    for (String n : List.of("a/y", "b/x", "c/x", "c/z")) {
      Path p = Trees.mkdirs(root.resolve(n).getParent()).resolve(root.resolve(n).getFileName());
      Files.createLink(p, first);
      all.add(p);
    }
    Path outside = Trees.mkdirs(tmp.toRealPath().resolve("elsewhere")).resolve("x");
    Files.createLink(outside, first);
    all.add(outside);
    Trees.write(root.resolve("b/other"), Trees.random(2, 500)); // same size, another file
    return all;
  }

  @Test
  void aFileWithFiveNamesUnderTheRootAndOneOutside() throws IOException {
    List<Path> all = sixNames();
    Path root = tmp.toRealPath().resolve("root");

    CommandRun r = CommandRun.main("names", "--journal", tmp.resolve("none.db"), "--cache",
        tmp.resolve("none-cache.db"), "--format", "json", "--in", root, all.get(3));

    assertEquals(0, r.exitCode(), r::toString);
    JsonNode f = json(r).get("files").get(0);
    assertEquals(6, f.get("links").asInt(), r::toString);
    assertEquals(1, f.get("outside").asInt(), r::toString);
    assertEquals("walk", f.get("source").asText());
    Set<String> expected = new HashSet<>();
    all.subList(0, 5).forEach(p -> expected.add(p.toString()));
    assertEquals(expected, names(f), "the five under the root, not the one outside");

    CommandRun fromOutside = CommandRun.main("names", "--journal", tmp.resolve("none.db"),
        "--format", "json", "--in", root, all.get(5));
    JsonNode o = json(fromOutside).get("files").get(0);
    assertEquals(expected, names(o), "the name given is outside the root: not listed");
    assertEquals(1, o.get("outside").asInt(), fromOutside::toString);

    CommandRun text = CommandRun.main("names", "--journal", tmp.resolve("none.db"), "--in",
        root, all.get(0));
    assertTrue(text.out().startsWith(all.get(0) + ": 6 links, 5 under " + root
        + ", 1 elsewhere"), text::toString);
    assertEquals(6, text.out().lines().count(), "a line for the file and one per name");
  }

  @Test
  void withoutRootsTheFileSystemIsSearchedAndFindsTheNameOutsideTheTreeToo()
      throws IOException {
    List<Path> all = sixNames();

    CommandRun r = CommandRun.main("names", "--journal", tmp.resolve("none.db"), "--cache",
        tmp.resolve("none-cache.db"), "--format", "json", all.get(0));

    assertEquals(0, r.exitCode(), r::toString);
    JsonNode f = json(r).get("files").get(0);
    Set<String> expected = new HashSet<>();
    all.forEach(p -> expected.add(p.toString()));
    assertEquals(expected, names(f), r::toString);
    assertEquals(0, f.get("outside").asInt());
  }

  @Test
  void aFileWithOneNameIsItsOwnAnswer() throws IOException {
    Path solo = Trees.write(tmp.resolve("solo"), Trees.random(3, 100));

    CommandRun r = CommandRun.main("names", "--format", "json", "--in", tmp, solo);

    assertEquals(0, r.exitCode(), r::toString);
    JsonNode f = json(r).get("files").get(0);
    assertEquals(1, f.get("links").asInt());
    assertEquals(Set.of(solo.toRealPath().toString()), names(f));
    assertEquals("itself", f.get("source").asText());
  }

  @Test
  void namesThatAreNotUtf8ComeBackAsTheirBytes() throws IOException {
    Path dir = Trees.mkdirs(tmp.toRealPath().resolve("t"));
    Path plain = Trees.write(dir.resolve("plain"), Trees.random(4, 100));
    byte[] badName = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe};
    Path bad = PathBytes.resolve(dir, badName);
    Files.createLink(bad, plain);

    CommandRun r = CommandRun.main("names", "--journal", tmp.resolve("none.db"), "--format",
        "json", "--in", dir, plain);

    assertEquals(0, r.exitCode(), r::toString);
    JsonNode f = json(r).get("files").get(0);
    assertEquals(2, f.get("names").size(), r::toString);
    boolean seen = false;
    for (JsonNode n : f.get("names")) {
      if (n.has("pathBase64")) {
        assertArrayEquals(PathBytes.bytes(bad), Base64.getDecoder().decode(
            n.get("pathBase64").asText()), "the name's exact bytes");
        seen = true;
      }
    }
    assertTrue(seen, r::toString);
    CommandRun text = CommandRun.main("names", "--journal", tmp.resolve("none.db"), "--in", dir,
        plain);
    assertTrue(text.out().contains(dir.resolve("bad\uFFFD\uFFFD").toString()),
        "shown as the terminal report shows it: " + text);
  }

  @Test
  void aFileThatCannotBeReadIsNamedExitOneAndTheOthersAnswered() throws IOException {
    Path solo = Trees.write(tmp.resolve("solo"), Trees.random(5, 100));
    Path missing = tmp.resolve("missing");

    CommandRun r = CommandRun.main("names", "--format", "csv", "--in", tmp, missing, solo,
        tmp);

    assertEquals(1, r.exitCode(), r::toString);
    List<String> errors = r.err().lines().toList();
    assertEquals(2, errors.size(), r::toString);
    assertTrue(errors.get(0).startsWith("linkdupes: cannot read " + missing + ": "), r::toString);
    assertTrue(errors.get(1).endsWith(": not a regular file"), r::toString);
    assertEquals(List.of("file,links,outside,source,name",
        solo + ",1,0,itself," + solo.toRealPath()), r.out().lines().toList());
  }

  @Test
  void theJournalAndTheCacheAnswerWithoutAWalkWhenTheyAccountForEveryLink()
      throws IOException {
    Path root = Trees.mkdirs(tmp.toRealPath().resolve("photos"));
    byte[] data = Trees.random(6, 20_000);
    for (String n : List.of("a/1.jpg", "b/1.jpg", "c/1.jpg", "c/copy.jpg")) {
      Trees.write(Trees.mkdirs(root.resolve(n).getParent()).resolve(root.resolve(n)
          .getFileName()), data);
    }
    Path cache = tmp.resolve("cache/cache.db");
    CommandRun.main("-q", "--cache", cache, root).assertCleanSuccess();
    Path later = Trees.mkdirs(root.resolve("later"));

    CommandRun r = CommandRun.main("names", "--cache", cache, "--format", "json",
        root.resolve("b/1.jpg"));

    assertEquals(0, r.exitCode(), r::toString);
    JsonNode f = json(r).get("files").get(0);
    assertEquals("journal and cache", f.get("source").asText(), r::toString);
    assertEquals(4, f.get("names").size());
    assertEquals(List.of(root.toString()), List.of(f.get("roots").get(0).asText()),
        "the run's root, smaller than the file system");

    // a fifth name the records do not know: the run's root is walked, and it is found
    Files.createLink(later.resolve("new.jpg"), root.resolve("a/1.jpg"));
    CommandRun walked = CommandRun.main("names", "--cache", cache, "--format", "json",
        root.resolve("b/1.jpg"));
    JsonNode w = json(walked).get("files").get(0);
    assertEquals("walk", w.get("source").asText(), walked::toString);
    assertTrue(names(w).contains(later.resolve("new.jpg").toString()), walked::toString);
  }
}
