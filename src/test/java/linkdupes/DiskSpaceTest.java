package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import linkdupes.fs.Attributes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The space a run gives back is the blocks of the inodes that lose their last name, not their
 * sizes: two 1 MiB files that are all holes free 1 MiB of content and nothing on disk; a file
 * of 64 KiB of data and a hole frees its 64 KiB. The dry run predicts what the run then frees,
 * and both are judged by du(1), which counts each inode's blocks once.
 */
class DiskSpaceTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  Path tree;

  @BeforeEach
  void setUp() throws IOException {
    Assumptions.assumeTrue(Attributes.available(), "blocks cannot be read here");
    tree = Trees.mkdirs(tmp.resolve("tree"));
    for (String name : List.of("a", "b")) {
      sparse(tree.resolve("holes-" + name), MIB, new byte[0]);
      sparse(tree.resolve("part-" + name), MIB, Trees.random(5, 64 << 10));
      Trees.write(tree.resolve("full-" + name), Trees.random(6, 100_000));
    }
  }

  /** A file of {@code size} bytes: {@code data} at its start, a hole after it. */
  private static void sparse(Path path, long size, byte[] data) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.write(data);
      f.setLength(size);
    }
  }

  private static JsonNode json(CommandRun run) throws IOException {
    assertEquals(0, run.exitCode(), run::toString);
    return new ObjectMapper().readTree(run.out());
  }

  /** du's figure for the tree: every inode's blocks, once, in bytes. */
  private long du() {
    CommandRun r = Host.exec(List.of("du", "-s", "-B1", tree.toString()), 30);
    assertEquals(0, r.exitCode(), r::toString);
    return Long.parseLong(r.out().split("\\s+")[0]);
  }

  @Test
  void spaceFreedIsTheBlocksOfTheInodesGoneAsDuSeesThem() throws IOException {
    JsonNode dry = json(CommandRun.main("--no-cache", "-n", "--format", "json", tree));
    assertEquals(3, dry.get("groups").size(), dry::toPrettyString);
    // two groups of 1 MiB: the one that frees no block is the holes
    JsonNode holes = null;
    JsonNode part = null;
    for (JsonNode g : dry.get("groups")) {
      if (g.get("size").longValue() == MIB && g.get("diskBytesFreed").longValue() > 0) {
        part = g;
      } else if (g.get("size").longValue() == MIB) {
        holes = g;
      }
    }
    assertTrue(holes != null, dry::toPrettyString);
    assertEquals(MIB, holes.get("bytesFreed").longValue());
    assertEquals(0, holes.get("diskBytesFreed").longValue(), "holes occupy no block");
    assertTrue(part != null && part.get("diskBytesFreed").longValue() >= 64 << 10
        && part.get("diskBytesFreed").longValue() < 128 << 10, () -> "64 KiB of data and a "
            + "hole: " + dry.toPrettyString());
    long predicted = dry.get("summary").get("diskBytesFreed").longValue();

    long before = du();
    JsonNode done = json(CommandRun.main("--no-cache", "--format", "json", tree));
    long after = du();
    assertEquals(before - after, done.get("summary").get("diskBytesFreed").longValue(),
        () -> "freed on disk vs. du before and after\n" + done.toPrettyString());
    assertEquals(predicted, before - after, "the dry run predicted it");
    assertEquals(2L * MIB + 100_000, done.get("summary").get("bytesFreed").longValue());
  }

  @Test
  void textReportSaysWhatTheFileSystemGetsBack() throws IOException {
    long before = du();
    CommandRun r = CommandRun.main("--no-cache", tree);
    long after = du();
    assertEquals(0, r.exitCode(), r::toString);
    assertTrue(r.out().matches("(?s).*On disk: +[^\\n]*\\(" + (before - after)
        + " bytes\\) given back to the file system.*"), r::toString);
  }
}
