package linkdupes.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linkdupes.journal.Entry;
import linkdupes.journal.Journal;
import linkdupes.journal.RunInfo;

/**
 * {@code linkdupes journal [RUN]}: the runs the journal holds, with how many names each changed
 * and how many still are as it left them, looked at now; or one run's names.
 */
public final class JournalQuery {
  private JournalQuery() {}

  /**
   * One run: {@code changed} names it changed (linked, cloned, given back), {@code current} of
   * those still as it left them; {@code killed} when it never finished.
   */
  public record RunRow(RunInfo run, long changed, long current, boolean killed) {}

  /** One name of a run and where it stands now. */
  public record NameRow(Entry entry, NameState.Now now) {}

  /** One run's names, with the run. */
  public record RunNames(RunRow run, List<NameRow> names) {}

  public static List<RunRow> runs(Path file) throws IOException {
    try (Journal journal = Journal.open(file)) {
      List<RunRow> rows = new ArrayList<>();
      for (RunInfo r : journal.runs()) {
        rows.add(row(journal, r, null));
      }
      return rows;
    }
  }

  public static RunNames names(Path file, long id) throws IOException {
    try (Journal journal = Journal.open(file)) {
      RunInfo r = journal.run(id);
      if (r == null) {
        throw new IOException("the journal " + file + " has no run " + id);
      }
      List<NameRow> names = new ArrayList<>();
      RunRow row = row(journal, r, names);
      return new RunNames(row, names);
    }
  }

  /** The run's figures, and its names into {@code names} where given. */
  private static RunRow row(Journal journal, RunInfo r, List<NameRow> names) throws IOException {
    List<Entry> entries = journal.entries(r.id());
    if (!r.kind().equals("link")) { // an undo's or a split's names: done or not
      long done = 0;
      for (Entry e : entries) {
        done += e.state() == Entry.DONE ? 1 : 0;
        if (names != null) {
          names.add(new NameRow(e, e.state() == Entry.DONE ? NameState.Now.GIVEN_BACK
              : NameState.Now.UNTOUCHED));
        }
      }
      return new RunRow(r, done, done, r.finished() == null);
    }
    Map<Long, Long> givenBack = new HashMap<>();
    for (RunInfo u : journal.undosOf(r.id())) {
      for (Entry e : journal.entries(u.id())) {
        if (e.temp() != null) {
          givenBack.put(e.seq(), e.tempIno());
        }
      }
    }
    NameState states = new NameState(entries, givenBack);
    long changed = 0;
    long current = 0;
    for (Entry e : entries) {
      NameState.Now now = states.of(e).now();
      boolean byRun = e.state() == Entry.DONE
          || e.state() == Entry.PLANNED && now != NameState.Now.UNTOUCHED
          && now != NameState.Now.OTHER && now != NameState.Now.GONE;
      if (e.isClone()) {
        byRun = e.state() == Entry.DONE;
        now = byRun ? NameState.Now.CLONE : NameState.Now.UNTOUCHED;
      }
      changed += byRun ? 1 : 0;
      current += byRun && (now == NameState.Now.LINKED || now == NameState.Now.MODIFIED
          || now == NameState.Now.CLONE) ? 1 : 0;
      if (names != null) {
        names.add(new NameRow(e, byRun || e.state() == Entry.DONE ? now
            : NameState.Now.UNTOUCHED));
      }
    }
    return new RunRow(r, changed, current, r.finished() == null);
  }
}
