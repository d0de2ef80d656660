package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the HTML report goes: a file written whole, never through a symlink. */
class HtmlReportFileTest {
  @TempDir Path tmp;

  private Path tree() {
    Path t = Trees.mkdirs(tmp.resolve("t"));
    byte[] data = Trees.random(1, 5000);
    Trees.write(t.resolve("a"), data);
    Trees.write(t.resolve("b"), data);
    return t;
  }

  @Test
  void aSymlinkWhereThePageGoesIsRefusedAndWhatItPointsAtKept() throws IOException {
    Path tree = tree();
    Path precious = Trees.write(tmp.resolve("precious.txt"), "keep me");
    Path link = Files.createSymbolicLink(tmp.resolve("report.html"), precious);

    CommandRun r = CommandRun.main("-n", "--no-cache", "--report", link, tree);

    assertEquals(1, r.exitCode(), r::toString);
    List<String> err = r.err().lines().toList();
    assertEquals(1, err.size(), r::toString);
    assertTrue(err.get(0).startsWith("linkdupes: cannot write the report " + link + ": "),
        r::toString);
    assertEquals("keep me", Files.readString(precious));
    assertTrue(r.out().contains("Would link: 1 name"), "the text report still said: " + r);
  }

  @Test
  void aPageIsWrittenOverAnOlderOneAndAMissingFolderIsOneLine() throws IOException {
    Path tree = tree();
    Path page = Trees.write(tmp.resolve("report.html"), "x".repeat(1_000_000));

    CommandRun r = CommandRun.main("-n", "-q", "--no-cache", "--report", page, tree);

    r.assertCleanSuccess();
    String html = Files.readString(page);
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"),
        "a whole page, nothing of the old file left");
    assertFalse(html.contains("xxxx"));

    Path nowhere = tmp.resolve("no/such/folder/report.html");
    CommandRun missing = CommandRun.main("-n", "-q", "--no-cache", "--report", nowhere, tree);
    assertEquals(1, missing.exitCode(), missing::toString);
    assertEquals(1, missing.err().lines().count(), missing::toString);
    assertTrue(missing.err().contains(nowhere.toString()), missing::toString);
  }

  @Test
  void pastItsNamesBudgetThePageCountsTheSmallestGroupsInsteadOfListingThem()
      throws IOException {
    Path t = Trees.mkdirs(tmp.resolve("many"));
    for (int i = 0; i < 10; i++) { // ten groups of three names, of sizes 10,000 down to 1,000
      byte[] data = Trees.random(100 + i, 10_000 - 1000 * i);
      for (String d : List.of("a", "b", "c")) {
        Trees.write(Trees.mkdirs(t.resolve(d)).resolve("f" + i), data);
      }
    }
    Path page = tmp.resolve("page.html");
    String before = System.getProperty("linkdupes.report.names");
    System.setProperty("linkdupes.report.names", "13");
    try {
      CommandRun.main("-n", "-q", "--no-cache", "--report", page, t).assertCleanSuccess();
    } finally {
      if (before == null) {
        System.clearProperty("linkdupes.report.names");
      } else {
        System.setProperty("linkdupes.report.names", before);
      }
    }
    String html = Files.readString(page);
    assertEquals(4, html.split("class=\"group\"", -1).length - 1, "4 groups: 12 names");
    assertTrue(html.contains(t.resolve("a/f3").toString()), "the fourth largest listed");
    assertFalse(html.contains(t.resolve("a/f4").toString()), "the fifth not");
    assertTrue(html.contains("6 smaller groups (18 names) are not listed"), html);
    assertTrue(html.contains("4 of 4 groups"));
  }

  private static byte[] png(int seed) throws IOException {
    java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(300 + seed, 200,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < im.getWidth(); x++) {
        im.setRGB(x, y, (x * 7 + seed * 40) << 16 | (y * 5) << 8 | (x ^ y));
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(im, "png", out);
    return out.toByteArray();
  }

  private static int pictures(String html) {
    return html.split("src=\"data:image/jpeg;base64,", -1).length - 1;
  }

  /**
   * With the cache, files are read through their SHA-256 (not side by side): pictures are
   * made there too, of the first file of each group, and kept in the cache; the next run,
   * which the cache spares reading anything, shows them from there, and so does the one after
   * it linked. A run without a report leaves the cache without pictures.
   */
  @Test
  void withTheCachePicturesComeFromTheDigestsReadsAndLaterRunsShowThemFromTheCache()
      throws Exception {
    Path t = Trees.mkdirs(tmp.resolve("pics"));
    for (int i = 0; i < 3; i++) {
      byte[] data = png(i);
      Trees.write(Trees.mkdirs(t.resolve("a")).resolve(i + ".png"), data);
      Trees.write(Trees.mkdirs(t.resolve("b")).resolve(i + ".png"), data);
    }
    Path plain = tmp.resolve("plain/cache.db");
    CommandRun.main("-n", "-q", "--cache", plain, t).assertCleanSuccess();
    assertEquals(List.of(), tables(plain, "pictures"), "no report, no pictures kept");

    Path cache = tmp.resolve("state/cache.db");
    Path first = tmp.resolve("first.html");
    CommandRun.main("-n", "-q", "--cache", cache, "--report", first, t).assertCleanSuccess();
    assertEquals(3, pictures(Files.readString(first)), "a picture per group");

    Path second = tmp.resolve("second.html");
    CommandRun run = CommandRun.main("-v", "--cache", cache, "--report", second, t);
    run.assertCleanSuccess();
    assertTrue(run.out().contains("Read:       0 B"), "the cache spared every read: " + run);
    String html = Files.readString(second);
    assertEquals(3, pictures(html), "each group's picture, from the cache");
    assertTrue(html.contains("<td>Linked</td><td>3 names</td>"), html);
    assertTrue(html.contains("<h3>") && html.contains(" linked, freed "), html);

    Path third = tmp.resolve("third.html");
    CommandRun.main("-n", "-q", "--cache", cache, "--report", third, t).assertCleanSuccess();
    assertEquals(0, pictures(Files.readString(third)), "linked: no duplicates left to show");
    assertEquals(List.of("pictures"), tables(cache, "pictures"));
    assertEquals(0, count(cache, "SELECT count(*) FROM pictures p WHERE NOT EXISTS "
        + "(SELECT 1 FROM files f WHERE f.dev = p.dev AND f.ino = p.ino)"),
        "a picture goes with its file's entry");
  }

  private static List<String> tables(Path db, String name) throws Exception {
    List<String> found = new java.util.ArrayList<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.PreparedStatement q = c.prepareStatement(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      q.setString(1, name);
      try (java.sql.ResultSet r = q.executeQuery()) {
        while (r.next()) {
          found.add(r.getString(1));
        }
      }
    }
    return found;
  }

  private static long count(Path db, String sql) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet r = st.executeQuery(sql)) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  /**
   * A root run's page names other users' files and shows their pictures: it is its owner's
   * alone, and a hard link planted where it goes (to a file of someone else's) is replaced,
   * never written into.
   */
  @Test
  void thePageIsItsOwnersAloneAndAFileAlreadyThereIsReplacedNotWrittenInto()
      throws IOException {
    Path tree = tree();
    Path victim = Trees.write(tmp.resolve("victim"), "precious");
    Path page = tmp.resolve("page.html");
    Files.createLink(page, victim);

    CommandRun.main("-n", "-q", "--no-cache", "--report", page, tree).assertCleanSuccess();

    assertEquals("precious", Files.readString(victim), "the planted link's file untouched");
    assertTrue(Files.readString(page).startsWith("<!DOCTYPE html>"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(page)));
    try (var left = Files.list(tmp)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".part"))
          .toList(), "no part left beside it");
    }
  }
}
