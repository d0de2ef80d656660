package linkdupes.scan;

import java.time.Duration;
import java.util.List;

/**
 * How to walk: what to follow, where to stop, which files are candidates. Files modified less
 * than {@code minAge} before the walk started are left alone.
 */
public record WalkSettings(
    boolean followSymlinks, boolean oneFileSystem, List<String> includes, List<String> excludes,
    long minSize, long maxSize, Duration minAge) {}
