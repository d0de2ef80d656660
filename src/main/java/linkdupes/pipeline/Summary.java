package linkdupes.pipeline;

import java.time.Duration;
import java.util.List;
import linkdupes.link.GroupResult;
import linkdupes.plan.LinkPlan;
import linkdupes.scan.ScanResult;

/**
 * The figures a run reports at its end, each as the part of the run that counted it: the walk,
 * the plan, the linking (or, in a dry run, what it would do), and over all stages the files
 * left alone because they changed or could not be read, and the bytes read.
 */
public record Summary(boolean dryRun, ScanResult.Counts scanned, LinkPlan.Counts planned,
    Linked linked, long changed, long unreadable, long bytesRead, Duration elapsed) {

  /**
   * Names linked, bytes freed (or to be) as content and as space on the devices, and temporary
   * names of an interrupted run removed (or to be).
   */
  public record Linked(long names, long bytesFreed, long diskBytesFreed, long leftoversRemoved) {
    static Linked of(List<GroupResult> results, long leftovers) {
      return new Linked(results.stream().mapToLong(GroupResult::linkedCount).sum(),
          results.stream().mapToLong(GroupResult::bytesFreed).sum(),
          results.stream().mapToLong(GroupResult::diskBytesFreed).sum(), leftovers);
    }
  }
}
