package linkdupes.link;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import linkdupes.base.Paths;
import linkdupes.base.Problems;
import linkdupes.base.RunContext;
import linkdupes.base.Tally;
import linkdupes.base.TemporaryNames;
import linkdupes.base.Workers;
import linkdupes.fs.Failure;
import linkdupes.fs.FileStat;
import linkdupes.fs.LinkOps;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that changes the file system. Each duplicate name is re-checked, linked to the
 * kept file under a temporary name beside it, checked again, and renamed over the duplicate, so
 * the name always exists and always holds the same bytes.
 *
 * <p>The duplicate's directory is opened from {@code /} without following symlinks, and the
 * checks and the rename are made relative to it: a directory swapped for a symlink during the
 * run cannot redirect the rename.
 */
public final class Linker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Linker.class);

  private final LinkOps ops;
  private final Function<Name, Path> realPath;
  private final RunContext run;
  private final Problems problems;
  private final Tally tally;
  private final TemporaryNames temporaryNames = new TemporaryNames();
  private final Directories directories;

  /**
   * @param realPath the real path (no symlink in it) of a name's file as found by the scan
   */
  public Linker(LinkOps ops, Function<Name, Path> realPath, RunContext run) {
    this(ops, realPath, run, Directories.CACHED);
  }

  /**
   * @param openDirectories how many directories to keep open between names (two descriptors
   *     each), when several linkers run at once
   */
  Linker(LinkOps ops, Function<Name, Path> realPath, RunContext run, int openDirectories) {
    this.directories = new Directories(openDirectories);
    this.ops = ops;
    this.realPath = realPath;
    this.run = run;
    this.problems = run.problems();
    this.tally = run.tally();
  }

  /**
   * Links every group on up to {@code threads} threads, each with a linker of its own, and
   * returns the results in the groups' order; each group linked is shown as progress. Groups
   * share no inode, so they are independent: each name is still replaced as {@link #link}
   * does. A rename waits on the file system (an inode freed, the journal), and several in
   * flight finish sooner.
   */
  public static List<GroupResult> linkAll(List<LinkGroup> groups, int threads, LinkOps ops,
      Function<Name, Path> realPath, RunContext run) {
    run.progress().linking(groups.size());
    GroupResult[] results = new GroupResult[groups.size()];
    int n = Math.max(1, Math.min(threads, groups.size()));
    Workers.forEachIndex(groups.size(), n, r -> new Thread(r, "linkdupes-link").start(),
        () -> new Workers.Worker() {
          final Linker linker = new Linker(ops, realPath, run, Directories.CACHED / n);

          @Override
          public void run(int k) {
            results[k] = linker.link(groups.get(k));
            run.progress().linkedGroup();
          }

          @Override
          public void close() {
            linker.close();
          }
        });
    return Arrays.asList(results);
  }

  private enum Result { LINKED, SKIPPED, FAILED, TOO_MANY_LINKS, KEPT_CHANGED, GROUP_FAILED }

  /** The file every duplicate is linked to: a name of it and its attributes when hashed. */
  private record Target(Name name, Path path, FileStat stat) {
    Target(Name name, FileStat stat) {
      this(name, name.path(), stat);
    }
  }

  public GroupResult link(LinkGroup group) {
    Target target = new Target(group.kept().firstName(), group.kept().stat());
    List<GroupResult.Link> linked = new ArrayList<>();
    long freed = 0;
    long freedOnDisk = 0;
    for (Inode dup : group.duplicates()) {
      int done = 0;
      boolean promoted = false;
      for (Name name : dup.names()) {
        Result r = linkOne(target, dup, name);
        if (r == Result.LINKED) {
          linked.add(new GroupResult.Link(name, target.path()));
          done++;
        } else if (r == Result.TOO_MANY_LINKS) {
          LOG.debug("{} has too many links; {} is kept from here on",
              Paths.display(target.path()), Paths.display(name.path()));
          target = new Target(name, dup.stat());
          promoted = true;
          break;
        } else if (r == Result.KEPT_CHANGED || r == Result.GROUP_FAILED) {
          if (r == Result.KEPT_CHANGED) {
            tally.changed.addAndGet(namesAfter(group, dup, name));
          }
          return new GroupResult(group, linked, freed, freedOnDisk);
        }
      }
      if (!promoted && done == dup.nameCount() && !dup.hasOutsideNames()) {
        freed += dup.size();
        freedOnDisk += dup.allocatedBytes();
      }
    }
    return new GroupResult(group, linked, freed, freedOnDisk);
  }

  /** Names of the group not yet tried after {@code name} of {@code dup}. */
  private static long namesAfter(LinkGroup group, Inode dup, Name name) {
    long after = dup.nameCount() - 1 - dup.names().indexOf(name);
    for (int i = group.duplicates().indexOf(dup) + 1; i < group.duplicates().size(); i++) {
      after += group.duplicates().get(i).nameCount();
    }
    return after;
  }

  private Result linkOne(Target target, Inode dup, Name name) {
    Path path = name.path();
    Directory dir;
    try {
      dir = directories.open(realPath.apply(name).getParent());
      Result changed = checkBeforeLink(dir, target, dup, path);
      if (changed != null) {
        return changed;
      }
    } catch (IOException e) {
      return failedToLookUp(path, e);
    }
    Path temp;
    try {
      temp = createTemporaryLink(path, target.path());
    } catch (IOException e) {
      return refused(path, target, e);
    }
    return replace(dir, target, dup, path, temp);
  }

  /**
   * Null when the duplicate and the kept file are still the inodes, sizes and times that were
   * read, and the duplicate's path still leads to the directory opened without symlinks; else
   * what to do instead.
   */
  private Result checkBeforeLink(Directory dir, Target target, Inode dup, Path path)
      throws IOException {
    if (!dir.holds(path.getFileName(), dup.stat())) {
      run.changed(path);
      return Result.SKIPPED;
    }
    if (!unchanged(target.path(), target.stat())) {
      return Result.KEPT_CHANGED;
    }
    if (!dir.isReachedBy(parentOf(path))) {
      run.changed(path);
      return Result.SKIPPED;
    }
    return null;
  }

  /** The temporary link could not be made: a link limit, the whole group, or this name. */
  private Result refused(Path path, Target target, IOException e) {
    Failure failure = Failure.of(e);
    if (failure == Failure.TOO_MANY_LINKS) {
      return Result.TOO_MANY_LINKS;
    }
    if (failure == Failure.LINKS_REFUSED && refusesLinks(target)) {
      problems.error("cannot link " + Paths.display(path) + " to "
          + Paths.display(target.path()) + ": " + Problems.reason(e)
          + " (the rest of this group is left as it was)");
      return Result.GROUP_FAILED;
    }
    problems.error("cannot link", path, e);
    return Result.FAILED;
  }

  /** Checks the temporary name and the duplicate once more, then renames one over the other. */
  private Result replace(Directory dir, Target target, Inode dup, Path path, Path temp) {
    Path tempName = temp.getFileName();
    try {
      // The kept file may have been replaced or rewritten since it was checked: the new name
      // must be the very inode that was hashed, with its size and time unchanged.
      if (!dir.holds(tempName, target.stat())) {
        run.changed(target.path());
        removeTemporary(dir, tempName);
        return Result.KEPT_CHANGED;
      }
    } catch (NoSuchFileException e) {
      // The path no longer leads to the directory that was checked: a directory on the way was
      // swapped in the instant before the link, which landed wherever the path leads now.
      removeStray(temp, target.stat());
      run.changed(path);
      return Result.SKIPPED;
    } catch (IOException e) {
      problems.error("cannot read", temp, e);
      removeTemporary(dir, tempName);
      return Result.FAILED;
    }
    Path fileName = path.getFileName();
    try {
      if (!dir.holds(fileName, dup.stat())) {
        run.changed(path);
        removeTemporary(dir, tempName);
        return Result.SKIPPED;
      }
      ops.rename(dir.stream(), tempName, fileName);
      return Result.LINKED;
    } catch (NoSuchFileException e) {
      run.changed(path);
    } catch (IOException e) {
      problems.error("cannot link", path, e);
    }
    removeTemporary(dir, tempName);
    return Result.FAILED;
  }

  /**
   * True when the kept file itself refuses a new link (its file system has no hard links or is
   * read-only, or the file is immutable): tried once beside it, so a refusal of one duplicate's
   * directory does not stop the whole group.
   */
  private boolean refusesLinks(Target target) {
    Path probe;
    try {
      probe = createTemporaryLink(target.path(), target.path());
    } catch (IOException e) {
      return Failure.of(e) == Failure.LINKS_REFUSED;
    }
    removeStray(probe, target.stat());
    return false;
  }

  /**
   * Removes a temporary name this run just made, wherever its path leads now, after checking,
   * in its directory opened without following symlinks, that it is still the kept file.
   */
  private void removeStray(Path temp, FileStat kept) {
    try {
      Directory dir = directories.open(temp.toAbsolutePath().getParent().toRealPath());
      if (FileStat.sameInode(dir.attributes(temp.getFileName()), kept)) {
        ops.delete(dir.stream(), temp.getFileName());
        return;
      }
    } catch (IOException e) {
      // reported below
    }
    problems.error("cannot remove temporary name " + Paths.display(temp)
        + ": it is an extra name of " + "the kept file; remove it by hand");
  }

  /** A name or its directory could not be looked up: gone or swapped is a change, else an error. */
  private Result failedToLookUp(Path path, IOException e) {
    if (Failure.of(e) == Failure.GONE) {
      run.changed(path);
      return Result.SKIPPED;
    }
    problems.error("cannot read", path, e);
    return Result.FAILED;
  }

  private static Path parentOf(Path path) {
    Path parent = path.getParent();
    return parent == null ? Path.of(".") : parent;
  }

  /** True when the name still is the inode, size and time it was when hashed. */
  private boolean unchanged(Path path, FileStat expected) {
    try {
      FileStat now = FileStat.of(path);
      if (now.isRegularFile() && now.sameContentIdentity(expected)) {
        return true;
      }
    } catch (NoSuchFileException e) {
      // gone since the scan: counted as changed below
    } catch (IOException e) {
      problems.error("cannot read", path, e);
      return false;
    }
    run.changed(path);
    return false;
  }



  /** Links {@code target} under a fresh temporary name in the directory of {@code beside}. */
  private Path createTemporaryLink(Path beside, Path target) throws IOException {
    FileAlreadyExistsException last = null;
    for (int attempt = 0; attempt < 16; attempt++) {
      Path temp = beside.resolveSibling(temporaryNames.next());
      try {
        ops.createLink(temp, target);
        return temp;
      } catch (FileAlreadyExistsException e) {
        last = e;
      }
    }
    throw last;
  }

  private void removeTemporary(Directory dir, Path tempName) {
    try {
      ops.delete(dir.stream(), tempName);
    } catch (IOException e) {
      problems.error("cannot remove temporary name", dir.path().resolve(tempName), e);
    }
  }

  @Override
  public void close() {
    directories.close();
  }
}
