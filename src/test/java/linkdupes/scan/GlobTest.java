package linkdupes.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.Random;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/**
 * The glob matcher agrees with the JDK's on its syntax and its errors, and takes time linear in
 * the name where the JDK's backtracks.
 */
class GlobTest {
  private static boolean jdk(String glob, String name) {
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    return m.matches(Path.of(name));
  }

  @Test
  void examplesMatchAsTheJdkSays() {
    String[][] cases = {
        {"*.jpg", "a.jpg", "true"}, {"*.jpg", "a.jpeg", "false"}, {"*.jpg", "d/a.jpg", "false"},
        {"**/*.jpg", "d/e/a.jpg", "true"}, {"cache/**", "cache/x/y", "true"},
        {"cache/**", "cache", "false"}, {"?.txt", "a.txt", "true"}, {"?.txt", "ab.txt", "false"},
        {"[abc].txt", "b.txt", "true"}, {"[!abc].txt", "b.txt", "false"},
        {"[!abc].txt", "d.txt", "true"}, {"[a-c]x", "bx", "true"}, {"[a-c]x", "dx", "false"},
        {"[-a]", "-", "true"}, {"[a-]", "-", "true"}, {"[^a]", "^", "true"},
        {"{a,b}.txt", "b.txt", "true"}, {"{a,b}.txt", "c.txt", "false"},
        {"x{,y}", "x", "true"}, {"x{,y}", "xy", "true"}, {"{*.jpg,*.png}", "p.png", "true"},
        {"\\*", "*", "true"}, {"\\*", "a", "false"}, {"a\\{b", "a{b", "true"},
        {"a}b", "a}b", "true"}, {"a,b", "a,b", "true"}, {"*", "", "true"},
        {"", "", "true"}, {"", "a", "false"}, {"*a*", "bab", "true"},
        {"é*", "été", "true"}, {"?", "\uD83D\uDE00", "true"}, {"[\\]", "\\", "true"},
        {"a.b", "axb", "false"}, {"(a)", "(a)", "true"}, {"a+", "aa", "false"},
    };
    for (String[] c : cases) {
      boolean expected = Boolean.parseBoolean(c[2]);
      assertEquals(expected, jdk(c[0], c[1]), () -> "premise, the JDK: " + c[0] + " " + c[1]);
      assertEquals(expected, Glob.compile(c[0]).matches(c[1]), () -> c[0] + " against " + c[1]);
    }
  }

  @Test
  void randomGlobsAndNamesMatchAsTheJdkSays() {
    Random r = new Random(2026);
    String alphabet = "ab/.";
    String[] pieces = {"a", "b", "/", ".", "*", "**", "?", "[ab]", "[!a]", "[a-b]", "{a,b}",
        "{a*,/b}", "{,a}", "\\*"};
    int compared = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder glob = new StringBuilder();
      for (int k = r.nextInt(6); k >= 0; k--) {
        glob.append(pieces[r.nextInt(pieces.length)]);
      }
      StringBuilder name = new StringBuilder();
      for (int k = r.nextInt(8); k > 0; k--) {
        name.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String g = glob.toString();
      String s = name.toString();
      boolean expected;
      try {
        // Path.of would make "a//b" "a/b" and drop a trailing '/': the JDK matches the text
        expected = java.util.regex.Pattern.compile(jdkRegex(g)).matcher(s).matches();
      } catch (PatternSyntaxException e) {
        assertThrows(PatternSyntaxException.class, () -> Glob.compile(g), g);
        continue;
      }
      assertEquals(expected, Glob.compile(g).matches(s), () -> g + " against " + s);
      compared++;
    }
    assertTrue(compared > 15_000, "compared " + compared);
  }

  /** The JDK's own translation of a glob, through a path matcher's regex (sun.nio.fs.Globs). */
  private static String jdkRegex(String glob) {
    try {
      Class<?> globs = Class.forName("sun.nio.fs.Globs");
      var m = globs.getDeclaredMethod("toUnixRegexPattern", String.class);
      m.setAccessible(true);
      return (String) m.invoke(null, glob);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof PatternSyntaxException p) {
        throw p;
      }
      throw new IllegalStateException(e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // without the JDK's internals: its matcher, on paths that survive Path.of unchanged
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
      throw new org.opentest4j.TestAbortedException("sun.nio.fs.Globs is not reachable");
    }
  }

  @Test
  void errorsAreTheJdksDescriptions() {
    for (String bad : new String[] {"[", "[a", "{a", "{a,{b}}", "a\\", "[a/b]", "[b-a]",
        "[a-"}) {
      PatternSyntaxException jdk = assertThrows(PatternSyntaxException.class,
          () -> FileSystems.getDefault().getPathMatcher("glob:" + bad), bad);
      PatternSyntaxException ours = assertThrows(PatternSyntaxException.class,
          () -> Glob.compile(bad), bad);
      assertEquals(jdk.getDescription(), ours.getDescription(), bad);
    }
  }

  /** Thirty "*a" and a "*b" against sixty a's: the JDK's regex did not finish in 45 s. */
  @Test
  void aGlobThatMakesTheJdkBacktrackIsMatchedAtOnce() {
    String glob = "*a".repeat(30) + "*b";
    String name = "a".repeat(60);
    Glob g = Glob.compile(glob);
    boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> g.matches(name));
    assertFalse(matched);
    assertTrue(g.matches(name + "b"));
  }
}
