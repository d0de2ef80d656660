package linkdupes.journal;

import java.nio.file.Path;
import linkdupes.fs.FileMeta;
import linkdupes.fs.FileStat;

/**
 * One name a run replaced (or was about to), as the journal keeps it: what the name was before
 * (its inode and metadata), and what it became.
 *
 * @param seq its number in its run; an undo's entry has the number of the entry it undid
 * @param group the run's group: a name of a killed run counts as linked when it is now the file
 *     of another name of its group
 * @param method {@code hardlink}, or {@code clone} (the file kept its own inode)
 * @param before the name's inode as it was: device, inode, size, times, mode, owner
 * @param meta what a copy of its own is given back: mode, owner, group, times, attributes
 * @param sha256 the content's digest where the run computed one, else null
 * @param kept the name of the file it became (for undo and split, the name itself)
 * @param keptIno that file's inode number
 * @param keptMtimeNanos that file's modification time then: a change since shows
 * @param state {@link #PLANNED}, {@link #DONE} or {@link #NOT_DONE}
 * @param temp of an undo or split, the copy made beside the name before it replaced it
 * @param tempIno that copy's inode number
 */
public record Entry(long seq, long group, String method, Path path, FileStat before,
    FileMeta meta, byte[] sha256, Path kept, long keptIno, long keptMtimeNanos, int state,
    Path temp, long tempIno) {

  /** Recorded before the change; a killed run leaves it so. */
  public static final int PLANNED = 0;
  /** Done. */
  public static final int DONE = 1;
  /** Not done: the name changed, or failed. */
  public static final int NOT_DONE = 2;

  public boolean isClone() {
    return "clone".equals(method);
  }
}
