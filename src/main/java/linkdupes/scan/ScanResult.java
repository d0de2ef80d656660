package linkdupes.scan;

import java.util.List;

/**
 * What a walk found: candidate files (within the size limits and filters), and counts for the
 * report.
 */
public record ScanResult(
    List<FoundFile> candidates, long regularFiles, long regularBytes, long otherEntries,
    long symlinkLoops) {}
