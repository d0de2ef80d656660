package linkdupes.pipeline;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linkdupes.fs.FileStat;
import linkdupes.journal.Entry;

/**
 * What has become of the names a linking run recorded, looked at now: whether each is still
 * the file it was linked to, and that file as it was. A killed run's names (still
 * {@link Entry#PLANNED}) count as linked when the name is now the file of another name of its
 * group, which only the run can have made it.
 */
public final class NameState {
  /** Where a name stands. */
  public enum Now {
    /** The file it was linked to, unchanged: undo gives it its own copy. */
    LINKED,
    /** The file it was linked to, which was written to since (its size or time moved). */
    MODIFIED,
    /** Its own file again: an undo gave it back. */
    GIVEN_BACK,
    /** The run never changed it (it failed, changed during the run, or the run was killed first). */
    UNTOUCHED,
    /** Another file now than the run left it. */
    OTHER,
    /** No such name any more. */
    GONE,
    /** A clone: the file kept its own inode; nothing to give back. */
    CLONE
  }

  /** A name as it stands, with its stat now (null when gone). */
  public record Of(Entry entry, Now now, FileStat stat) {}

  private final Map<Long, Map<Long, Long>> mtimeByGroup = new HashMap<>();
  private final Map<Long, Long> givenBack;

  /**
   * @param entries every entry of the run
   * @param givenBack each entry's number to the inode of the copy an earlier undo made for it
   */
  public NameState(List<Entry> entries, Map<Long, Long> givenBack) {
    this.givenBack = givenBack;
    for (Entry e : entries) {
      Map<Long, Long> g = mtimeByGroup.computeIfAbsent(e.group(), k -> new HashMap<>());
      g.put(e.before().ino(), e.before().mtimeNanos());
      g.put(e.keptIno(), e.keptMtimeNanos());
    }
  }

  public Of of(Entry e) throws IOException {
    if (e.isClone()) {
      return new Of(e, Now.CLONE, null);
    }
    FileStat now;
    try {
      now = FileStat.of(e.path());
    } catch (NoSuchFileException x) {
      return new Of(e, Now.GONE, null);
    }
    if (!now.isRegularFile() || now.dev() != e.before().dev()) {
      return new Of(e, Now.OTHER, now);
    }
    Long given = givenBack.get(e.seq());
    if (given != null && given == now.ino()) {
      return new Of(e, Now.GIVEN_BACK, now);
    }
    if (e.state() == Entry.NOT_DONE
        || e.state() == Entry.PLANNED && now.ino() == e.before().ino()) {
      return new Of(e, now.ino() == e.before().ino() ? Now.UNTOUCHED : Now.OTHER, now);
    }
    Long mtime = null;
    if (e.state() == Entry.DONE) {
      mtime = now.ino() == e.keptIno() ? e.keptMtimeNanos() : null;
    } else if (now.ino() != e.before().ino()) { // a killed run's: another file of its group?
      mtime = mtimeByGroup.get(e.group()).get(now.ino());
    }
    if (mtime == null) {
      return new Of(e, Now.OTHER, now);
    }
    boolean same = now.size() == e.before().size() && now.mtimeNanos() == mtime;
    return new Of(e, same ? Now.LINKED : Now.MODIFIED, now);
  }
}
