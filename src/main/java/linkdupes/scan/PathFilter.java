package linkdupes.scan;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Include and exclude globs over a path relative to its root. A glob without a slash matches
 * the last name at any depth ({@code *.tmp}); one with a slash matches the whole relative path
 * ({@code cache/**}).
 */
public final class PathFilter {
  private final List<Glob> includes;
  private final List<Glob> excludes;

  private record Glob(PathMatcher matcher, boolean nameOnly) {
    boolean matches(Path relative) {
      Path target = nameOnly ? relative.getFileName() : relative;
      return target != null && matcher.matches(target);
    }
  }

  PathFilter(List<String> includes, List<String> excludes) {
    this.includes = compile(includes);
    this.excludes = compile(excludes);
  }

  private static List<Glob> compile(List<String> globs) {
    List<Glob> out = new ArrayList<>(globs.size());
    for (String glob : globs) {
      out.add(compile(glob));
    }
    return out;
  }

  /** Why {@code glob} is not a valid glob, or null when it is. */
  public static String problem(String glob) {
    try {
      compile(glob);
      return null;
    } catch (IllegalArgumentException e) { // a PatternSyntaxException, or a bad glob
      return e instanceof java.util.regex.PatternSyntaxException p ? p.getDescription()
          : e.getMessage();
    }
  }

  private static Glob compile(String glob) {
    var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    return new Glob(matcher, !glob.contains("/"));
  }

  /** True when there is no exclude: no directory is skipped. */
  boolean excludesNothing() {
    return excludes.isEmpty();
  }

  /** True when there is neither an include nor an exclude. */
  boolean isEmpty() {
    return includes.isEmpty() && excludes.isEmpty();
  }

  boolean excluded(Path relative) {
    return anyMatches(excludes, relative);
  }

  /** A file is a candidate when no include is given or one include matches it. */
  boolean included(Path relative) {
    return includes.isEmpty() || anyMatches(includes, relative);
  }

  // called for every file and directory: a loop, where a stream would be made per call
  private static boolean anyMatches(List<Glob> globs, Path relative) {
    for (Glob g : globs) {
      if (g.matches(relative)) {
        return true;
      }
    }
    return false;
  }
}
