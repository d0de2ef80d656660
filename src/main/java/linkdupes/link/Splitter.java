package linkdupes.link;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linkdupes.base.Paths;
import linkdupes.base.RunContext;
import linkdupes.base.TemporaryNames;
import linkdupes.fs.ChangedDuringRunException;
import linkdupes.fs.FileMeta;
import linkdupes.fs.FileStat;
import linkdupes.fs.LinkOps;
import linkdupes.fs.OwnCopy;

/**
 * Gives names their own file again (undo, split): the bytes of the file a name shares are
 * copied, beside it in its directory opened from {@code /} without following a symlink, into a
 * new file with the metadata asked for, written to the disk, recorded, and renamed over the
 * name in one step. The name exists at every instant and always holds the same bytes; a run
 * killed at any point leaves at worst the copy under its temporary name, which the record
 * names.
 */
public final class Splitter implements AutoCloseable {
  /**
   * What is kept of a copy (the journal), so that a kill at any instant finds it: its name
   * before it is made, then its inode before it replaces its name.
   */
  public interface Record {
    void naming(Path name, Path temp) throws IOException;

    void copied(Path name, Path temp, long tempIno) throws IOException;
  }

  /** What became of one name. */
  public enum Outcome {
    /** The name is a file of its own now. */
    SPLIT,
    /** The name was not (or no longer) the shared file expected: left as it is. */
    CHANGED,
    /** An error, named on stderr: left as it was. */
    FAILED
  }

  private final LinkOps ops;
  private final RunContext run;
  private final Directories directories = new Directories(Directories.CACHED);
  private final TemporaryNames temporaryNames = new TemporaryNames();

  public Splitter(LinkOps ops, RunContext run) {
    this.ops = ops;
    this.run = run;
  }

  /**
   * Makes {@code name} (a real path, no symlink in it) a file of its own with the bytes of the
   * file it is now, {@code shared} (its inode, size and modification time), and {@code meta}.
   * {@code shown} names it in messages.
   */
  public Outcome split(Path name, Path shown, FileStat shared, FileMeta meta, Record record) {
    Directory dir;
    Path fileName = name.getFileName();
    try {
      dir = directories.open(name.toAbsolutePath().getParent());
      if (!dir.holds(fileName, shared)) {
        return Outcome.CHANGED;
      }
    } catch (NoSuchFileException e) {
      return Outcome.CHANGED;
    } catch (IOException e) {
      run.problems().error("cannot read", shown, e);
      return Outcome.FAILED;
    }
    Path temp = null;
    try {
      for (int attempt = 0; temp == null; attempt++) {
        Path candidate = name.resolveSibling(temporaryNames.next());
        record.naming(name, candidate);
        try {
          long ino = OwnCopy.make(dir.stream(), name, shared, candidate, meta);
          temp = candidate;
          record.copied(name, temp, ino);
        } catch (FileAlreadyExistsException e) {
          if (attempt == 15) {
            throw e;
          }
        }
      }
      // the name once more, just before it is replaced: still the shared file
      if (!dir.holds(fileName, shared)) {
        remove(dir, temp, shown);
        return Outcome.CHANGED;
      }
      ops.rename(dir.stream(), temp.getFileName(), fileName);
      return Outcome.SPLIT;
    } catch (ChangedDuringRunException | NoSuchFileException e) {
      remove(dir, temp, shown);
      return Outcome.CHANGED;
    } catch (IOException e) {
      run.problems().error("cannot give its own copy to", shown, e);
      remove(dir, temp, shown);
      return Outcome.FAILED;
    }
  }

  /**
   * Removes {@code temp}, a copy an earlier, killed run made and never renamed over its name:
   * only while it is that very copy ({@code ino}; 0 when the run was killed before it could
   * record it, and then any file of one name there, which only it can have made under that
   * random name) and not the name itself. True when it was there and is gone.
   */
  public boolean removeCopy(Path temp, long ino) {
    try {
      Directory dir = directories.open(temp.toAbsolutePath().getParent());
      FileStat now = FileStat.of(dir.attributes(temp.getFileName()));
      if (now == null || !now.isRegularFile() || ino != 0 && now.ino() != ino
          || now.nlink() != 1 || !TemporaryNames.isTemporary(temp.getFileName().toString())) {
        return false;
      }
      ops.delete(dir.stream(), temp.getFileName());
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      run.problems().error("cannot remove the copy", temp, e);
      return false;
    }
  }

  /**
   * Removes the temporary names a killed linking run left in {@code folder} (a real path):
   * names of the temporary shape that are an extra name of one of {@code inodes}, the files of
   * the run's groups. Returns how many.
   */
  public long removeLeftoverLinks(Path folder, java.util.Set<Long> inodes) {
    long removed = 0;
    try {
      Directory dir = directories.open(folder);
      List<Path> names = new ArrayList<>();
      for (Path p : dir.stream()) {
        if (TemporaryNames.isTemporary(p.getFileName().toString())) {
          names.add(p.getFileName());
        }
      }
      for (Path n : names) {
        FileStat st = FileStat.of(dir.attributes(n));
        if (st != null && st.isRegularFile() && st.nlink() >= 2 && inodes.contains(st.ino())) {
          ops.delete(dir.stream(), n);
          removed++;
        }
      }
    } catch (NoSuchFileException e) {
      // the folder is gone: nothing of the run left in it
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      run.problems().warning("cannot look for temporary names in " + Paths.display(folder)
          + ": " + e.getMessage());
    }
    return removed;
  }

  private void remove(Directory dir, Path temp, Path shown) {
    if (temp == null) {
      return;
    }
    try {
      ops.delete(dir.stream(), temp.getFileName());
    } catch (NoSuchFileException e) {
      // never made
    } catch (IOException e) {
      run.problems().error("cannot remove the copy " + Paths.display(temp) + " made for", shown,
          e);
    }
  }

  @Override
  public void close() {
    directories.close();
  }
}
