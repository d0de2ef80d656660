package linkdupes.report;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import linkdupes.base.Paths;
import linkdupes.base.Sizes;
import linkdupes.group.Inode;
import linkdupes.hash.Thumbnails;
import linkdupes.link.GroupResult;
import linkdupes.pipeline.Pipeline;

/**
 * The report as one HTML page that needs nothing but itself: the summary (the text report's
 * rows), savings by folder drawn as bars in SVG, the folder pairs, and every group with its
 * names and, for images read in this run, a picture embedded as data. A filter box narrows
 * the groups by path, in a script inside the page; the page's own policy lets it load nothing
 * from anywhere and run no script but that one (by its digest), so a name that slipped past
 * the escaping could still run nothing.
 */
public final class HtmlReport {
  /** Bytes of pictures one page carries at most, largest groups first. */
  static final long PICTURE_BUDGET = 20L << 20;
  /** Folders drawn in the savings chart. */
  static final int FOLDERS_DRAWN = 20;
  /**
   * Names listed at most, about 110 bytes each on the page: the groups past them (the
   * smallest) are counted, not listed, so that a run over millions of files makes a page a
   * browser still opens. The mixed test tree lists 12,777. The property changes it (tests).
   */
  static final int NAMES_LISTED = 150_000;
  static final String NAMES_PROPERTY = "linkdupes.report.names";
  /** Folder pairs shown before the rest, which open on a click. */
  static final int PAIRS_SHOWN = 15;

  private static final String STYLE = """
      body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;\
      color:#1d2329;background:#fff}
      h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px;\
      border-bottom:1px solid #d5dbe1;padding-bottom:4px}
      .sub{color:#5b6670;margin:0 0 12px}
      table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left;\
      vertical-align:top}
      #summary td:first-child{color:#5b6670;white-space:nowrap}
      #pairs td.n,.pairs-more td.n{text-align:right;white-space:nowrap}
      details summary{cursor:pointer;color:#0969da;margin:6px 0}
      .path{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;\
      word-break:break-all}
      svg a{cursor:pointer}svg a:hover rect.bar{fill:#1f6feb}svg text{font-size:12px}
      #filterbar{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid \
      #eef1f4;z-index:1}
      #filter{width:60%;font-size:14px;padding:5px 8px}#shown{color:#5b6670;margin-left:12px}
      .group{display:flex;gap:14px;padding:10px 0;border-bottom:1px solid #eef1f4}
      .group img{flex:none;border:1px solid #d5dbe1;background:#f6f8fa}
      .group .pic{flex:none;width:80px;height:60px;background:#f6f8fa;border:1px dashed \
      #d5dbe1;color:#8a949e;font-size:11px;display:flex;align-items:center;\
      justify-content:center;text-align:center}
      .group h3{font-size:14px;margin:0 0 4px}.group ul{margin:0;padding:0;list-style:none}
      .group li.keep::before{content:"keep ";color:#1a7f37;font-weight:600}
      .group li.link::before{content:"link ";color:#5b6670}
      .group li.clone::before{content:"clone ";color:#5b6670}
      .hidden{display:none}
      """;

  /** The one script: the filter, and a folder's bar filling it in. */
  private static final String SCRIPT = """
      (function () {
        var box = document.getElementById('filter');
        var shown = document.getElementById('shown');
        var groups = Array.prototype.slice.call(document.querySelectorAll('.group'));
        var texts = groups.map(function (g) {
          return Array.prototype.map.call(g.querySelectorAll('li'), function (li) {
            return li.textContent;
          }).join('\\n').toLowerCase();
        });
        function apply() {
          var q = box.value.toLowerCase();
          var n = 0;
          for (var i = 0; i < groups.length; i++) {
            var hit = q === '' || texts[i].indexOf(q) >= 0;
            groups[i].classList.toggle('hidden', !hit);
            if (hit) { n++; }
          }
          shown.textContent = n + ' of ' + groups.length + ' groups';
        }
        box.addEventListener('input', apply);
        document.querySelectorAll('[data-folder]').forEach(function (a) {
          a.addEventListener('click', function (e) {
            e.preventDefault();
            box.value = a.getAttribute('data-folder');
            apply();
            document.getElementById('groups').scrollIntoView();
          });
        });
        apply();
      })();
      """;

  private final List<Path> roots;
  private final int verbosity;
  private final boolean exactBytes;

  public HtmlReport(List<Path> roots, int verbosity, boolean exactBytes) {
    this.roots = roots;
    this.verbosity = verbosity;
    this.exactBytes = exactBytes;
  }

  /**
   * Writes the page to {@code file}: into a new file beside it, readable by its owner alone,
   * then renamed over it. So a kill leaves the old page whole, nothing is ever written into a
   * file that was there (a hard link planted there by another user leads nowhere), and the
   * names and pictures of a root run over other users' files are not shown to everyone (the
   * page can be opened to others with chmod). A symlink there is refused, not followed.
   */
  public void write(Path file, Pipeline.Result result) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new IOException("it is a symlink (not followed)");
    }
    Path dir = file.toAbsolutePath().getParent();
    Path part = Files.createTempFile(dir, "." + file.getFileName() + ".", ".part",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (Page w = new Page(new BufferedOutputStream(Files.newOutputStream(part,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), 1 << 16))) {
        page(w, result);
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /**
   * The page's bytes: each string encoded whole by {@link String#getBytes}, which copies a
   * string of one-byte characters at once; a Writer's encoder went through them one by one,
   * which before the JIT had compiled it took a good part of the page's time.
   */
  private static final class Page implements AutoCloseable {
    private final OutputStream out;

    Page(OutputStream out) {
      this.out = out;
    }

    void write(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  private void page(Page w, Pipeline.Result result) throws IOException {
    boolean dry = result.summary().dryRun();
    w.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    // nothing from anywhere: pictures are data in the page, and the one script is let run by
    // its digest, so that no script a name might carry could run
    w.write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        + "img-src data:; style-src 'unsafe-inline'; script-src '" + SCRIPT_HASH + "'; "
        + "base-uri 'none'; form-action 'none'\">\n");
    w.write("<meta name=\"viewport\" content=\"width=device-width\">\n");
    String where = joinedRoots();
    w.write("<title>linkdupes: " + (dry ? "dry run over " : "run over ") + esc(where)
        + "</title>\n<style>" + STYLE + "</style></head><body>\n");
    w.write("<h1>linkdupes: " + (dry ? "dry run over " : "run over ") + "<span class=\"path\">"
        + esc(where) + "</span></h1>\n");
    // in UTC: the time-zone rules took 10-20 ms to load, a tenth of the page's time
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    w.write("<p class=\"sub\">" + now.replace('T', ' ').replace("Z", " UTC")
        + (dry ? ". Dry run: nothing was changed." : ".") + "</p>\n");
    summary(w, result);
    List<GroupResult> groups = result.groups();
    // the groups, most of the page, are made on the other cores while this one counts the
    // folders and their pairs (one pass over the names for both)
    int listed = listed(groups);
    CompletableFuture<List<String>> made =
        CompletableFuture.supplyAsync(() -> groupPieces(result, listed));
    DirectoryPairs pairs = new DirectoryPairs(roots);
    Map<String, long[]> byFolder = new HashMap<>();
    pairs.addAll(groups, HtmlReport::freed, byFolder);
    folders(w, byFolder);
    pairs(w, pairs);
    groups(w, result, listed, made.join());
    w.write("<script>" + SCRIPT + "</script>\n</body></html>\n");
  }

  private void summary(Page w, Pipeline.Result result) throws IOException {
    w.write("<h2>Summary</h2>\n<table id=\"summary\">\n");
    for (String[] row : new TextReport(new PrintStream(PrintStream.nullOutputStream()),
        verbosity, exactBytes, roots).summaryRows(result.summary())) {
      w.write("<tr><td>" + esc(row[0]) + "</td><td>" + esc(row[1]) + "</td></tr>\n");
    }
    w.write("</table>\n");
  }

  /** What a group frees (or would): content bytes, or for a clone the blocks given back. */
  private static long freed(GroupResult g) {
    return g.group().isClone() ? g.diskBytesFreed() : g.bytesFreed();
  }

  /**
   * Savings by folder: each name linked gets its share of what its group frees, so the bars
   * add up to the summary's figure; the largest {@link #FOLDERS_DRAWN} drawn.
   */
  private void folders(Page w, Map<String, long[]> byFolder)
      throws IOException {
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(byFolder.entrySet());
    sorted.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
        ? Long.compare(b.getValue()[0], a.getValue()[0]) : a.getKey().compareTo(b.getKey()));
    w.write("<h2>Savings by folder</h2>\n");
    if (sorted.isEmpty()) {
      w.write("<p>No folder holds a duplicate.</p>\n");
      return;
    }
    List<Map.Entry<String, long[]>> drawn =
        sorted.subList(0, Math.min(FOLDERS_DRAWN, sorted.size()));
    long max = Math.max(1, drawn.get(0).getValue()[0]);
    int rowHeight = 22;
    int labelWidth = 380;
    int barWidth = 470;
    int height = drawn.size() * rowHeight + 4;
    w.write("<p class=\"sub\">Where the space is freed, folder by folder (by the names "
        + "linked there); click a folder for its groups.</p>\n");
    w.write("<svg id=\"folders\" xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" "
        + "height=\"" + height + "\" role=\"img\" aria-label=\"Savings by folder\">\n");
    int y = 2;
    for (Map.Entry<String, long[]> e : drawn) {
      long bytes = e.getValue()[0];
      int len = (int) Math.max(2, Math.round((double) bytes / max * barWidth));
      String label = e.getKey();
      String shownLabel = label.length() > 52 ? "\u2026" + label.substring(label.length() - 51)
          : label;
      w.write("<a href=\"#groups\" class=\"folder\" data-folder=\"" + esc(label)
          + "\" data-bytes=\"" + bytes + "\"><title>" + esc(label) + ": " + esc(size(bytes))
          + ", " + e.getValue()[1] + " names</title>");
      w.write("<text x=\"" + (labelWidth - 8) + "\" y=\"" + (y + 15)
          + "\" text-anchor=\"end\" class=\"path\">" + esc(shownLabel) + "</text>");
      w.write("<rect class=\"bar\" x=\"" + labelWidth + "\" y=\"" + (y + 3) + "\" width=\""
          + len + "\" height=\"" + (rowHeight - 6) + "\" fill=\"#54aeff\" rx=\"2\"/>");
      w.write("<text x=\"" + (labelWidth + len + 6) + "\" y=\"" + (y + 15) + "\">"
          + esc(size(bytes)) + "</text></a>\n");
      y += rowHeight;
    }
    w.write("</svg>\n");
    if (sorted.size() > drawn.size()) {
      w.write("<p class=\"sub\">and " + (sorted.size() - drawn.size())
          + " more folders.</p>\n");
    }
  }

  private void pairs(Page w, DirectoryPairs pairs) throws IOException {
    List<DirectoryPairs.Shared> all = pairs.sorted();
    w.write("<h2>Folders that repeat each other</h2>\n");
    if (all.isEmpty()) {
      w.write("<p>None.</p>\n");
      return;
    }
    w.write("<table id=\"pairs\">\n");
    int row = 0;
    for (DirectoryPairs.Shared p : all) {
      if (row++ == PAIRS_SHOWN) { // the rest on a click, without a script
        w.write("</table>\n<details><summary>" + (all.size() - PAIRS_SHOWN)
            + " more pairs</summary>\n<table class=\"pairs-more\">\n");
      }
      String where = p.pair.within() ? "within <span class=\"path\">" + esc(p.pair.a())
          + "</span>" : "<span class=\"path\">" + esc(p.pair.a())
          + "</span> \u2194 <span class=\"path\">" + esc(p.pair.b()) + "</span>";
      w.write("<tr><td>" + where + "</td><td class=\"n\">" + p.files
          + (p.files == 1 ? " file" : " files") + "</td><td class=\"n\">" + esc(size(p.bytes))
          + "</td></tr>\n");
    }
    w.write(all.size() > PAIRS_SHOWN ? "</table></details>\n" : "</table>\n");
  }

  /** Counted as the groups are made: pictures left out for the page's budget. */
  private volatile int unpictured;

  /** How many groups, the largest first, the page lists: {@link #NAMES_LISTED} names. */
  private static int listed(List<GroupResult> groups) {
    long names = 0;
    int most = Integer.getInteger(NAMES_PROPERTY, NAMES_LISTED);
    for (int i = 0; i < groups.size(); i++) {
      names += 1 + groups.get(i).linkedCount();
      if (names > most) {
        return i;
      }
    }
    return groups.size();
  }

  /** The groups in HTML, in pieces in the plan's order, each made on one thread. */
  private List<String> groupPieces(Pipeline.Result result, int listed) {
    boolean dry = result.summary().dryRun();
    List<GroupResult> groups = result.groups().subList(0, listed);
    Thumbnails pictures = result.thumbnails();
    // pictures within the budget, largest groups first (the plan's order)
    Thumbnails.Picture[] shown = new Thumbnails.Picture[groups.size()];
    long budget = PICTURE_BUDGET;
    int left = 0;
    for (int i = 0; pictures != null && i < groups.size(); i++) {
      Thumbnails.Picture pic = picture(pictures, groups.get(i));
      if (pic != null) {
        long length = (pic.jpeg().length + 2L) / 3 * 4;
        if (length <= budget) {
          budget -= length;
          shown[i] = pic;
        } else {
          left++;
        }
      }
    }
    unpictured = left;
    int pieces = (groups.size() + PIECE - 1) / PIECE;
    return IntStream.range(0, pieces).parallel()
        .mapToObj(k -> {
          StringBuilder b = new StringBuilder(PIECE * 600);
          for (int i = k * PIECE; i < Math.min(groups.size(), (k + 1) * PIECE); i++) {
            group(b, i + 1, groups.get(i), shown[i], dry);
          }
          return b.toString();
        }).toList();
  }

  private void groups(Page w, Pipeline.Result result, int listed, List<String> made)
      throws IOException {
    List<GroupResult> groups = result.groups();
    Thumbnails pictures = result.thumbnails();
    w.write("<h2 id=\"groups\">Groups</h2>\n<div id=\"filterbar\"><input id=\"filter\" "
        + "type=\"search\" placeholder=\"Filter by path\" aria-label=\"Filter by path\">"
        + "<span id=\"shown\">" + listed + " of " + listed + " groups</span></div>\n");
    for (String piece : made) {
      w.write(piece);
    }
    if (listed < groups.size()) {
      long names = 0;
      for (GroupResult g : groups.subList(listed, groups.size())) {
        names += 1 + g.linkedCount();
      }
      w.write("<p class=\"sub\" id=\"unlisted\">" + (groups.size() - listed)
          + " smaller groups (" + names + " names) are not listed, so that the page stays one "
          + "a browser opens; <code>--format json</code> or <code>csv</code> lists every "
          + "group. The summary, the folders and the pairs above count them all.</p>\n");
    }
    if (unpictured > 0) {
      w.write("<p class=\"sub\">" + unpictured + " more pictures left out: the page carries "
          + "at most " + esc(Sizes.human(PICTURE_BUDGET)) + " of them.</p>\n");
    }
    if (pictures != null) {
      w.write("<p class=\"sub\">Pictures are made of images as a run reads them: a group "
          + "the cache spared reading has the picture an earlier run with a report kept, or "
          + "none."
          + (pictures.notDecoded() > 0 ? " " + pictures.notDecoded() + (pictures.notDecoded()
              == 1 ? " image has" : " images have") + " none: a format the decoders lack, or "
              + "no thumbnail embedded once this run had decoded as many whole images as it "
              + "takes time for." : "")
          + "</p>\n");
    }
  }

  /** Groups made into HTML at a time, on one thread. */
  private static final int PIECE = 256;

  /** One group: its picture, what it frees, its kept name and each name linked. */
  private void group(StringBuilder b, int n, GroupResult g, Thumbnails.Picture pic,
      boolean dry) {
    boolean clone = g.group().isClone();
    Path kept = g.group().kept().firstName().path();
    b.append("<div class=\"group\" id=\"g").append(n).append("\" data-size=\"")
        .append(g.group().size()).append("\" data-freed=\"").append(freed(g)).append("\">");
    if (pic != null) {
      b.append("<img alt=\"\" width=\"").append(pic.width()).append("\" height=\"")
          .append(pic.height()).append("\" src=\"data:image/jpeg;base64,")
          .append(Base64.getEncoder().encodeToString(pic.jpeg())).append("\">");
    }
    b.append("<div><h3>").append(esc(size(g.group().size()))).append(" each, ")
        .append(g.linkedCount())
        .append(clone ? (dry ? " to clone" : " cloned") : (dry ? " to link" : " linked"))
        .append(dry ? ", would free " : ", freed ").append(esc(size(freed(g))))
        .append(clone ? " on disk" : "").append("</h3><ul>");
    b.append("<li class=\"keep path\">").append(esc(Paths.display(kept))).append("</li>");
    Path shownKept = kept;
    for (GroupResult.Link l : g.linked()) {
      if (!l.kept().equals(shownKept)) { // a later kept file: the one before was full
        shownKept = l.kept();
        b.append("<li class=\"keep path\">").append(esc(Paths.display(shownKept)))
            .append("</li>");
      }
      b.append(clone ? "<li class=\"clone path\">" : "<li class=\"link path\">")
          .append(esc(Paths.display(l.name().path()))).append("</li>");
    }
    b.append("</ul></div></div>\n");
  }

  /** A picture of any inode of the group, the kept one first. */
  private static Thumbnails.Picture picture(Thumbnails pictures, GroupResult g) {
    Thumbnails.Picture p = pictures.of(g.group().kept());
    if (p != null) {
      return p;
    }
    Set<Inode> seen = new HashSet<>();
    for (Inode i : g.group().duplicates()) {
      if (seen.add(i)) {
        p = pictures.of(i);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  private String joinedRoots() {
    StringBuilder b = new StringBuilder();
    for (Path r : roots) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(Paths.display(r));
    }
    return b.toString();
  }

  private String size(long bytes) {
    return exactBytes ? bytes + " bytes" : Sizes.human(bytes);
  }

  /**
   * The script's digest as the page's policy names it, written out: computing it loaded the
   * JDK's security providers, 20-40 ms of a dry run that reads no digest otherwise.
   * {@code HtmlReportPageTest} checks it against {@link #scriptHash()}.
   */
  static final String SCRIPT_HASH = "sha256-tcSRDWL0zDMlyWGmNoo7GZyqCohZsLngLoOayEJWVS0=";

  /** The script's digest, computed. */
  static String scriptHash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(
          SCRIPT.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Text made safe in an HTML text node or a quoted attribute. */
  static String esc(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
