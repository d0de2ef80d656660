package linkdupes.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import linkdupes.link.GroupResult;
import linkdupes.plan.LinkPlan;
import linkdupes.plan.Method;
import linkdupes.scan.ScanResult;

/**
 * The figures a run reports at its end, each as the part of the run that counted it: the walk,
 * the plan, the linking (or, in a dry run, what it would do), and over all stages the files
 * left alone because they changed or could not be read, and the bytes read; the method
 * asked for, and with clone or auto, each file system asked and whether it cloned
 * ({@link Method#CLONE}) or could not ({@link Method#HARDLINK}), by its mount.
 */
public record Summary(boolean dryRun, ScanResult.Counts scanned, LinkPlan.Counts planned,
    Linked linked, long changed, long unreadable, long bytesRead, Duration elapsed,
    Method method, Map<String, Method> fileSystems) {

  public Summary(boolean dryRun, ScanResult.Counts scanned, LinkPlan.Counts planned,
      Linked linked, long changed, long unreadable, long bytesRead, Duration elapsed) {
    this(dryRun, scanned, planned, linked, changed, unreadable, bytesRead, elapsed,
        Method.HARDLINK, Map.of());
  }

  /**
   * Names linked, bytes freed (or to be) as content and as space on the devices, temporary
   * names of an interrupted run removed (or to be), and files made to share blocks (cloned).
   */
  public record Linked(long names, long bytesFreed, long diskBytesFreed, long leftoversRemoved,
      long filesCloned) {
    public Linked(long names, long bytesFreed, long diskBytesFreed, long leftoversRemoved) {
      this(names, bytesFreed, diskBytesFreed, leftoversRemoved, 0);
    }

    static Linked of(List<GroupResult> results, long leftovers) {
      long names = 0;
      long cloned = 0;
      for (GroupResult r : results) {
        if (r.group().isClone()) {
          cloned += r.linkedCount();
        } else {
          names += r.linkedCount();
        }
      }
      return new Linked(names, results.stream().mapToLong(GroupResult::bytesFreed).sum(),
          results.stream().mapToLong(GroupResult::diskBytesFreed).sum(), leftovers, cloned);
    }
  }
}
