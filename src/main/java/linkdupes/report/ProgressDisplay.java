package linkdupes.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import linkdupes.base.Progress;
import linkdupes.base.Sizes;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What a person at a terminal sees while a run works: files found by the walk, then bytes read
 * of the bytes that may need reading (with rate and time left), then groups linked. Drawn on
 * stderr by its own thread a few times a second; the run's stages only set counters.
 */
public final class ProgressDisplay {
  private ProgressDisplay() {}

  /**
   * A display on {@code err} when it is wanted: {@code forced} true or false from
   * --progress/--no-progress, else only when stderr is a terminal.
   */
  public static Progress on(PrintStream err, Boolean forced) {
    boolean show = forced != null ? forced : stderrIsTerminal();
    return show ? new Shown(err) : Progress.NONE;
  }

  /** True when file descriptor 2 is a terminal (Linux: /proc names the device). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /**
   * The display. Its own thread makes and draws the bars, so that loading the terminal library
   * and measuring the terminal happen beside the run's work, not before it.
   */
  private static final class Shown implements Progress {
    private final PrintStream err;
    private final Thread painter;
    private final AtomicLong linked = new AtomicLong();
    private volatile AtomicLong bytesRead = new AtomicLong();
    private volatile long files;
    private volatile long bytes;
    private volatile long toRead;
    private volatile long groups;
    private volatile String stage = "walk";
    /** The last stage shares blocks (--method clone) rather than links names. */
    private volatile boolean cloning;
    private volatile boolean done;
    private int width = 80;

    Shown(PrintStream err) {
      this.err = err;
      painter = new Thread(this::paint, "linkdupes-progress");
      painter.setDaemon(true);
      painter.start();
    }

    private ProgressBar bar(String s) {
      return switch (s) {
        case "walk" -> builder("Walking", -1, " files").build();
        case "read" -> builder("Reading", Math.max(1, toRead >> 20), " MiB").build();
        default -> builder(cloning ? "Cloning" : "Linking", groups, " groups").build();
      };
    }

    private ProgressBarBuilder builder(String task, long max, String unit) {
      return new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
          .setStyle(ProgressBarStyle.ASCII).setUnit(unit, 1).showSpeed()
          .setUpdateIntervalMillis(200).continuousUpdate()
          .setConsumer(new ConsoleProgressBarConsumer(err, width));
    }

    private void update(ProgressBar bar, String s, boolean finished) {
      switch (s) {
        case "walk" -> {
          bar.stepTo(files);
          bar.setExtraMessage(" " + Sizes.human(bytes));
        }
        case "read" -> bar.stepTo(finished ? bar.getMax() : Math.min(bar.getMax(),
            bytesRead.get() >> 20));
        default -> bar.stepTo(linked.get());
      }
    }

    /**
     * The terminal's width, asked of stty on the controlling terminal; 80 when it cannot tell.
     * The library's own way loads a terminal library: a run on a terminal took 259 ms longer
     * with it (median of 30 runs, alternating builds).
     */
    private static int terminalWidth() {
      try {
        Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String[] rowsCols = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        p.waitFor();
        return rowsCols.length == 2 ? Math.max(40, Integer.parseInt(rowsCols[1])) : 80;
      } catch (IOException | NumberFormatException | InterruptedException e) {
        return 80;
      }
    }

    private static final List<String> STAGES = List.of("walk", "read", "link");

    private void paint() {
      width = terminalWidth();
      int current = -1;
      ProgressBar bar = null;
      while (true) {
        boolean last = done;
        int target = STAGES.indexOf(stage);
        // every stage is drawn, in order, even one that ended before it could be
        while (current < target) {
          if (bar != null) {
            update(bar, STAGES.get(current), true);
            bar.close();
          }
          current++;
          bar = bar(STAGES.get(current));
        }
        update(bar, STAGES.get(current), last);
        if (last) {
          bar.close();
          err.flush();
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          // woken to finish
        }
      }
    }

    @Override
    public void walked(long files, long bytes) {
      this.files = files;
      this.bytes = bytes;
    }

    @Override
    public void reading(long toRead, AtomicLong read) {
      this.toRead = toRead;
      this.bytesRead = read;
      stage = "read";
    }

    @Override
    public void linking(long groups) {
      this.groups = groups;
      stage = "link";
    }

    @Override
    public void cloning(long groups) {
      cloning = true;
      linking(groups);
    }

    @Override
    public void linkedGroup() {
      linked.incrementAndGet();
    }

    @Override
    public void close() {
      done = true;
      painter.interrupt();
      try {
        painter.join(2000); // the last state drawn before the report is printed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
