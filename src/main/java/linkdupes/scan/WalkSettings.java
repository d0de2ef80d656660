package linkdupes.scan;

import java.util.List;

/** How to walk: what to follow, where to stop, which files are candidates. */
public record WalkSettings(
    boolean followSymlinks, boolean oneFileSystem, List<String> includes, List<String> excludes,
    long minSize, long maxSize) {}
