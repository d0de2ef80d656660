package linkdupes.report;

import java.time.Duration;

/** The figures a run reports at its end. */
public record Summary(
    boolean dryRun,
    long filesScanned,
    long bytesScanned,
    long otherEntries,
    long symlinkLoops,
    long groups,
    long namesLinked,
    long bytesFreed,
    long linkedWithOutsideNames,
    long leftOtherMetadata,
    long leftOtherDevice,
    long leftoversRemoved,
    long changed,
    long unreadable,
    long bytesRead,
    Duration elapsed,
    long tooRecent) {}
