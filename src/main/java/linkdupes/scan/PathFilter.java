package linkdupes.scan;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Include and exclude globs over a path relative to its root. A glob without a slash matches
 * the last name at any depth ({@code *.tmp}); one with a slash matches the whole relative path
 * ({@code cache/**}).
 */
final class PathFilter {
  private final List<Glob> includes;
  private final List<Glob> excludes;

  private record Glob(PathMatcher matcher, boolean nameOnly) {
    boolean matches(Path relative) {
      Path target = nameOnly ? relative.getFileName() : relative;
      return target != null && matcher.matches(target);
    }
  }

  PathFilter(List<String> includes, List<String> excludes) {
    this.includes = includes.stream().map(PathFilter::compile).toList();
    this.excludes = excludes.stream().map(PathFilter::compile).toList();
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
    return excludes.stream().anyMatch(g -> g.matches(relative));
  }

  /** A file is a candidate when no include is given or one include matches it. */
  boolean included(Path relative) {
    return includes.isEmpty() || includes.stream().anyMatch(g -> g.matches(relative));
  }
}
