package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report ({@code --report}) as a browser shows it: a photo library with real images
 * (JPEG, PNG, GIF, BMP) filed by date, person and place, a camera import folder, and names
 * meant to break out of the page, reported by a dry run; the page loaded from disk in headless
 * Chromium and read through its DevTools protocol.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HtmlReportTest {
  /** A name that would be markup and a script if the page took it as HTML. */
  static final String SCRIPT_FOLDER = "<script>document.title='pwned'<";
  static final String SCRIPT_FILE = "script>.jpg";
  static final String IMG_NAME = "<img src=x onerror=\"document.title='pwned'\">&amp;'.jpg";

  private Path tree;
  private Path page;
  private CommandRun text;
  private Chromium browser;
  /** The number of groups with an image in them. */
  private int imageGroups;

  @BeforeAll
  void reportAndLoad(@TempDir Path tmp) throws Exception {
    assumeTrue(Chromium.binary() != null, "no chromium installed (.ci/run installs it)");
    tree = photoLibrary(tmp.resolve("photos"));
    page = tmp.resolve("report.html");
    text = CommandRun.main("-n", "-v", "--no-cache", "--report", page, tree);
    text.assertCleanSuccess();
    browser = Chromium.start();
    browser.load(page.toUri().toString());
  }

  @AfterAll
  void close() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  private static byte[] image(int seed, String format) throws IOException {
    BufferedImage im = new BufferedImage(640 + seed, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = im.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(seed / 13f, 0.6f, 0.9f), 640, 480,
        Color.getHSBColor((seed + 5) / 13f, 0.8f, 0.4f)));
    g.fillRect(0, 0, im.getWidth(), 480);
    g.setColor(Color.WHITE);
    g.fillOval(100 + seed * 20, 100, 200, 200);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(im, format, out), format);
    return out.toByteArray();
  }

  /**
   * Twelve shots by date, copies by person, by place and in the camera's import folder; a
   * file that is no image under an image's name; the hostile names, copies of shot 0.
   */
  private Path photoLibrary(Path root) throws IOException {
    String[] formats = {"jpeg", "png", "gif", "bmp"};
    String[] people = {"alice", "bob", "carol"};
    String[] places = {"paris", "oslo"};
    for (int i = 0; i < 12; i++) {
      String format = formats[i % 4];
      String ext = format.equals("jpeg") ? "jpg" : format;
      byte[] data = image(i, format);
      String name = "IMG_" + (1000 + i) + "." + ext;
      Trees.write(Trees.mkdirs(root.resolve("by-date/2024-0" + (1 + i % 6))).resolve(name),
          data);
      Trees.write(Trees.mkdirs(root.resolve("by-person/" + people[i % 3])).resolve(name), data);
      if (i % 2 == 0) {
        Trees.write(Trees.mkdirs(root.resolve("by-place/" + places[i % 4 / 2])).resolve(name),
            data);
      }
      if (i % 3 == 0) {
        Trees.write(Trees.mkdirs(root.resolve("import/DCIM/100CANON")).resolve(name), data);
      }
      imageGroups++;
    }
    byte[] noImage = Trees.random(7, 300_000);
    Trees.write(Trees.mkdirs(root.resolve("by-date/2024-07")).resolve("IMG_2000.jpg"), noImage);
    Trees.write(Trees.mkdirs(root.resolve("by-person/bob")).resolve("IMG_2000.jpg"), noImage);
    byte[] first = Files.readAllBytes(root.resolve("by-date/2024-01/IMG_1000.jpg"));
    Trees.write(Trees.mkdirs(root.resolve("odd").resolve(SCRIPT_FOLDER)).resolve(SCRIPT_FILE),
        first);
    Trees.write(root.resolve("odd").resolve(IMG_NAME), first);
    return root;
  }

  /** The text report's summary table: each row's label and value, spaces collapsed. */
  private List<String> textSummary() {
    List<String> rows = new ArrayList<>();
    boolean in = false;
    for (String line : text.out().lines().toList()) {
      if (line.startsWith("Dry run: nothing was changed.")) {
        in = true;
      } else if (in && line.contains(":")) {
        int colon = line.indexOf(':');
        rows.add(line.substring(0, colon) + ": " + line.substring(colon + 1).trim());
      }
    }
    return rows;
  }

  /** Every name of every group in the -v text report: kept and linked. */
  private Set<String> textNames() {
    Set<String> names = new HashSet<>();
    for (String line : text.out().lines().toList()) {
      Matcher m = Pattern.compile("^  (keep|link) (.*)$").matcher(line);
      if (m.matches()) {
        names.add(m.group(2));
      }
    }
    return names;
  }

  private List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void theSummaryShowsTheTextReportsFigures() throws Exception {
    List<String> page = strings(browser.eval("Array.from(document.querySelectorAll("
        + "'#summary tr')).map(r => r.cells[0].textContent + ': ' + r.cells[1].textContent)"));
    assertEquals(textSummary(), page);
    assertTrue(page.stream().anyMatch(r -> r.startsWith("Would free: ")), page::toString);

    // the bars add up to what the run frees: every folder drawn (few here)
    long bars = browser.eval("Array.from(document.querySelectorAll('#folders [data-bytes]'))"
        + ".reduce((s, a) => s + Number(a.getAttribute('data-bytes')), 0)").asLong();
    assertEquals(text.freedBytes(), bars);
  }

  @Test
  void everyGroupAndEveryNameIsOnThePage() throws Exception {
    int groups = browser.eval("document.querySelectorAll('.group').length").asInt();
    Matcher m = Pattern.compile("Duplicates: +(\\d+) groups").matcher(text.out());
    assertTrue(m.find(), text::toString);
    assertEquals(Integer.parseInt(m.group(1)), groups);
    assertEquals(imageGroups + 1, groups, "each shot and the file that is no image");
    Set<String> names = new HashSet<>(strings(browser.eval("Array.from(document"
        + ".querySelectorAll('.group li')).map(li => li.textContent)")));
    assertEquals(textNames(), names);
  }

  @Test
  void eachImageGroupHasAPictureTheBrowserDecodesAndTheOtherNone() throws Exception {
    JsonNode pictures = browser.eval("Array.from(document.querySelectorAll('.group img'))"
        + ".map(i => [i.naturalWidth, i.naturalHeight, i.src.substring(0, 23)])");
    assertEquals(imageGroups, pictures.size(), pictures::toString);
    for (JsonNode p : pictures) {
      assertTrue(p.get(0).asInt() > 0 && p.get(0).asInt() <= 160 && p.get(1).asInt() > 0,
          "decoded, at most 160 pixels wide: " + p);
      assertEquals("data:image/jpeg;base64,", p.get(2).asText());
    }
    String noImage = browser.eval("Array.from(document.querySelectorAll('.group'))"
        + ".filter(g => g.textContent.includes('IMG_2000')).map(g => g.querySelectorAll('img')"
        + ".length).join()").asText();
    assertEquals("0", noImage, "a file named .jpg that is no image has no picture");
  }

  @Test
  void theFilterNarrowsTheGroupsToThoseWithAMatchingPath() throws Exception {
    String visible = "Array.from(document.querySelectorAll('.group'))"
        + ".filter(g => getComputedStyle(g).display !== 'none').length";
    int all = browser.eval(visible).asInt();
    // groups with a name in the camera's folder: every third shot
    int expected = browser.eval("(() => { const f = document.getElementById('filter');"
        + " f.value = 'IMPORT/dcim'; f.dispatchEvent(new Event('input'));"
        + " return 0; })()").asInt();
    assertEquals(0, expected);
    assertEquals(4, browser.eval(visible).asInt(), "shots 0, 3, 6, 9; case ignored");
    assertEquals("4 of " + all + " groups",
        browser.eval("document.getElementById('shown').textContent").asText());

    browser.eval("(() => { const f = document.getElementById('filter'); f.value = 'no such';"
        + " f.dispatchEvent(new Event('input')); })()");
    assertEquals(0, browser.eval(visible).asInt());

    // a folder's bar fills the filter in with that folder
    browser.eval("document.querySelector('#folders [data-folder=\"by-place/oslo\"]')"
        + ".dispatchEvent(new MouseEvent('click', {bubbles: true}))");
    assertEquals("by-place/oslo",
        browser.eval("document.getElementById('filter').value").asText());
    assertEquals(3, browser.eval(visible).asInt(), "shots 2, 6, 10 are in Oslo");

    browser.eval("(() => { const f = document.getElementById('filter'); f.value = '';"
        + " f.dispatchEvent(new Event('input')); })()");
    assertEquals(all, browser.eval(visible).asInt());
  }

  @Test
  void hostileNamesShowAsTextAndRunNothing() throws Exception {
    assertFalse(browser.eval("document.title").asText().contains("pwned"),
        "no script a name carries ran");
    assertEquals(1, browser.eval("document.scripts.length").asInt(), "the page's own only");
    assertEquals(0, browser.eval("document.querySelectorAll('img[src=x], img[onerror]')"
        + ".length").asInt());
    String body = browser.eval("document.body.textContent").asText();
    assertTrue(body.contains("odd/" + SCRIPT_FOLDER + "/" + SCRIPT_FILE), "shown as text");
    assertTrue(body.contains("odd/" + IMG_NAME), "shown as text, &amp; as typed");
  }

  @Test
  void noRequestLeavesThePage() throws Exception {
    String own = page.toUri().toString();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String url : browser.requests()) {
      assertTrue(url.equals(own) || url.startsWith("data:"), "a request out: " + url);
      seen.merge(url.startsWith("data:") ? "data" : "page", 1, Integer::sum);
    }
    assertEquals(1, seen.get("page"), seen::toString);
    // nor could one be made: nothing in the page points anywhere but at itself or its data
    JsonNode refs = browser.eval("Array.from(document.querySelectorAll('[src],[href]'))"
        + ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
        + ".filter(u => !u.startsWith('data:') && !u.startsWith('#'))");
    assertEquals(0, refs.size(), refs::toString);
    String policy = browser.eval("document.querySelector('meta[http-equiv="
        + "\"Content-Security-Policy\"]').content").asText();
    assertTrue(policy.startsWith("default-src 'none'"), policy);
  }

  @Test
  void aScreenshotOfThePageIsAPictureOfIt() throws Exception {
    byte[] png = browser.screenshot(1100, 2400);
    Path shot = Path.of("target", "report-screenshot.png");
    Files.write(shot, png);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(1100, image.getWidth());
    assertTrue(image.getHeight() > 800, "the whole page, not a blank window");
    // the first bar is drawn in the report's blue: the SVG rendered
    JsonNode box = browser.eval("(() => { const r = document.querySelector('#folders rect')"
        + ".getBoundingClientRect(); return [r.x + 4, r.y + r.height / 2]; })()");
    int rgb = image.getRGB(box.get(0).asInt(), box.get(1).asInt()) & 0xffffff;
    assertEquals(0x54aeff, rgb, "the bar's colour where the bar is");
  }
}
