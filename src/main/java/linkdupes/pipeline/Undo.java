package linkdupes.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linkdupes.base.RunContext;
import linkdupes.fs.LinkOps;
import linkdupes.journal.Entry;
import linkdupes.journal.Journal;
import linkdupes.journal.RunInfo;
import linkdupes.link.Splitter;

/**
 * {@code linkdupes undo RUN}: every name the run linked is given its own copy again, with the
 * metadata it had before (mode, owner, group, times, extended attributes), each copy written
 * beside its name and renamed over it. A name that is another file now, or whose shared file
 * was written to since, is left alone and named. Copies an earlier, killed undo of the run left
 * are removed, and names it gave back already are not done again, so undo can be run again
 * until it finishes.
 */
public final class Undo {
  private Undo() {}

  /** What became of one name. */
  public enum Outcome {
    GIVEN_BACK, WOULD_GIVE_BACK, ALREADY_GIVEN_BACK, SPLIT_SINCE, NOT_LINKED, OTHER_FILE,
    MODIFIED, GONE, CLONE, CHANGED, FAILED
  }

  /** One name and what became of it. */
  public record Done(Entry entry, Outcome outcome) {}

  /**
   * What the undo did or, in a dry run, would do.
   *
   * @param undoId this undo's number in the journal; 0 in a dry run
   * @param bytes the bytes given back their own copy (or to be)
   */
  public record Result(RunInfo undone, long undoId, boolean dryRun, List<Done> names,
      long bytes) {
    public long count(Outcome o) {
      return names.stream().filter(d -> d.outcome() == o).count();
    }
  }

  public static Result run(Subcommand.Undo o, LinkOps ops, RunContext run) throws IOException {
    try (Journal journal = Journal.open(o.journal())) {
      RunInfo undone = journal.run(o.run());
      if (undone == null) {
        throw new IOException("the journal " + o.journal() + " has no run " + o.run());
      }
      if (!undone.kind().equals("link")) {
        throw new IOException("run " + o.run() + " is " + (undone.kind().equals("undo")
            ? "an undo" : "a " + undone.kind()) + ": only a run that linked can be undone");
      }
      List<Entry> entries = journal.entries(undone.id());
      Map<Long, Long> givenBack = new HashMap<>();
      List<Entry> leftovers = new ArrayList<>();
      for (RunInfo earlier : journal.undosOf(undone.id())) {
        for (Entry e : journal.entries(earlier.id())) {
          if (e.temp() != null) {
            if (e.tempIno() != 0) {
              givenBack.put(e.seq(), e.tempIno());
            }
            leftovers.add(e);
          }
        }
      }
      // names given their own copy since by a split: their copy's inode, by path
      Map<java.nio.file.Path, Long> split = new HashMap<>();
      for (RunInfo later : journal.runs()) {
        if (later.kind().equals("split") && later.id() > undone.id()) {
          for (Entry e : journal.entries(later.id())) {
            if (e.state() == Entry.DONE && e.tempIno() != 0) {
              split.put(e.path(), e.tempIno());
            }
          }
        }
      }
      NameState states = new NameState(entries, givenBack);
      List<Done> done = new ArrayList<>();
      List<OwnCopies.Name> toGive = new ArrayList<>();
      for (Entry e : entries) {
        NameState.Of s = states.of(e);
        switch (s.now()) {
          case LINKED -> toGive.add(new OwnCopies.Name(e, s.stat()));
          case GIVEN_BACK -> done.add(new Done(e, Outcome.ALREADY_GIVEN_BACK));
          case UNTOUCHED -> done.add(new Done(e, Outcome.NOT_LINKED));
          case OTHER -> {
            Long copy = split.get(e.path());
            if (copy != null && copy == s.stat().ino()) {
              done.add(new Done(e, Outcome.SPLIT_SINCE));
            } else {
              left(done, e, Outcome.OTHER_FILE, "another file now than the run left it", run);
            }
          }
          case MODIFIED -> left(done, e, Outcome.MODIFIED, "the file it shares was written to "
              + "since the run", run);
          case GONE -> left(done, e, Outcome.GONE, "gone since the run", run);
          case CLONE -> done.add(new Done(e, Outcome.CLONE));
          default -> throw new IllegalStateException(s.now().toString());
        }
      }
      long bytes = 0;
      for (OwnCopies.Name n : toGive) {
        bytes += n.shared().size();
      }
      OwnCopies.checkRoom(toGive);
      if (o.dryRun()) {
        for (OwnCopies.Name n : toGive) {
          done.add(new Done(n.entry(), Outcome.WOULD_GIVE_BACK));
        }
        return new Result(undone, 0, true, sorted(done), bytes);
      }
      long id = journal.startRun("undo", undone.roots(), o.commandLine(), undone.id());
      long given = 0;
      try (OwnCopies copies = new OwnCopies(journal, id, ops, run)) {
        for (Entry e : leftovers) { // a killed undo's copies that never replaced their names
          copies.removeLeftover(e.temp(), e.tempIno());
        }
        copies.removeLeftoverLinks(entries); // a killed link run's extra names
        for (OwnCopies.Name n : toGive) {
          Splitter.Outcome out = copies.give(n, n.entry().meta());
          if (out == Splitter.Outcome.SPLIT) {
            given += n.shared().size();
          } else if (out == Splitter.Outcome.CHANGED) {
            run.changed(n.entry().path());
          }
          done.add(new Done(n.entry(), switch (out) {
            case SPLIT -> Outcome.GIVEN_BACK;
            case CHANGED -> Outcome.CHANGED;
            case FAILED -> Outcome.FAILED;
          }));
        }
        copies.finish(given);
      }
      return new Result(undone, id, false, sorted(done), given);
    }
  }

  private static void left(List<Done> done, Entry e, Outcome o, String why, RunContext run) {
    run.problems().warning("leaving " + linkdupes.base.Paths.display(e.path()) + ": " + why);
    done.add(new Done(e, o));
  }

  /** In the run's order. */
  private static List<Done> sorted(List<Done> done) {
    done.sort((a, b) -> Long.compare(a.entry().seq(), b.entry().seq()));
    return done;
  }
}
