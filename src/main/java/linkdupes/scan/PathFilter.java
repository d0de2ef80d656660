package linkdupes.scan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Include and exclude globs over a path relative to its root. A glob without a slash matches
 * the last name at any depth ({@code *.tmp}); one with a slash matches the whole relative path
 * ({@code cache/**}). Matched by {@link Glob}, in time linear in the path.
 */
public final class PathFilter {
  private final List<Pattern> includes;
  private final List<Pattern> excludes;

  private record Pattern(Glob glob, boolean nameOnly) {
    boolean matches(Path relative) {
      Path target = nameOnly ? relative.getFileName() : relative;
      return target != null && glob.matches(target.toString());
    }
  }

  PathFilter(List<String> includes, List<String> excludes) {
    this.includes = compile(includes);
    this.excludes = compile(excludes);
  }

  private static List<Pattern> compile(List<String> globs) {
    List<Pattern> out = new ArrayList<>(globs.size());
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
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
  }

  private static Pattern compile(String glob) {
    return new Pattern(Glob.compile(glob), !glob.contains("/"));
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
  private static boolean anyMatches(List<Pattern> globs, Path relative) {
    for (Pattern g : globs) {
      if (g.matches(relative)) {
        return true;
      }
    }
    return false;
  }
}
