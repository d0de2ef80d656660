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
 * checks, the temporary link (linkat(2), where the C library can be called) and the rename are
 * made relative to it: a directory swapped for a symlink during the run cannot redirect them.
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
   * Links (or clones, {@link Cloner}) every group on up to {@code threads} threads, each with
   * a linker of its own, and returns the results in the groups' order; each group linked is
   * shown as progress. Groups
   * share no inode, so they are independent: each name is still replaced as {@link #link}
   * does. A rename waits on the file system (an inode freed, the journal), and several in
   * flight finish sooner.
   */
  public static List<GroupResult> linkAll(List<LinkGroup> groups, int threads, LinkOps ops,
      Function<Name, Path> realPath, RunContext run) {
    return linkAll(groups, threads, ops, realPath, run, k -> { });
  }

  /**
   * As {@link #linkAll(List, int, LinkOps, Function, RunContext)}, calling {@code before} with
   * each group's index before anything of it is changed (the journal waits there until the
   * group is recorded). Groups are taken in their order.
   */
  public static List<GroupResult> linkAll(List<LinkGroup> groups, int threads, LinkOps ops,
      Function<Name, Path> realPath, RunContext run, java.util.function.IntConsumer before) {
    if (!groups.isEmpty() && groups.stream().allMatch(LinkGroup::isClone)) {
      run.progress().cloning(groups.size());
    } else {
      run.progress().linking(groups.size());
    }
    GroupResult[] results = new GroupResult[groups.size()];
    int n = Math.max(1, Math.min(threads, groups.size()));
    Workers.forEachIndex(groups.size(), n, r -> new Thread(r, "linkdupes-link").start(),
        () -> new Workers.Worker() {
          final Linker linker = new Linker(ops, realPath, run, Directories.CACHED / n);

          @Override
          public void run(int k) {
            LinkGroup g = groups.get(k);
            before.accept(k);
            results[k] = g.isClone() ? Cloner.clone(g, ops, realPath, run) : linker.link(g);
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

  /**
   * The file every duplicate is linked to: a name of it, and its attributes when read, with the
   * change time that each link made to it since (link(2) and rename(2) move it). Any other
   * change, even one that leaves the size and modification time alone, moves the change time
   * away from the one expected, and the kept file is then no longer the one read.
   */
  private static final class Target {
    final Name name;
    final Path path;
    FileStat stat;
    /** True once a name has been linked to it, so its change time is this run's. */
    boolean linkedTo;

    Target(Name name, FileStat stat) {
      this.name = name;
      this.path = name.path();
      this.stat = stat;
    }
  }

  public GroupResult link(LinkGroup group) {
    if (!group.compared()) { // only a clone, which the kernel compares, may skip the bytes
      throw new IllegalArgumentException("files not compared whole are never linked: "
          + group.kept().firstName().path());
    }
    Target target = new Target(group.kept().firstName(), group.kept().stat());
    List<GroupResult.Link> linked = new ArrayList<>();
    List<FileStat> kept = new ArrayList<>(1);
    long freed = 0;
    long freedOnDisk = 0;
    for (Inode dup : group.duplicates()) {
      int done = 0;
      boolean promoted = false;
      for (Name name : dup.names()) {
        Result r = linkOne(target, dup, name);
        if (r == Result.LINKED) {
          linked.add(new GroupResult.Link(name, target.path));
          done++;
        } else if (r == Result.TOO_MANY_LINKS) {
          LOG.debug("{} has too many links; {} is kept from here on",
              Paths.display(target.path), Paths.display(name.path()));
          addKept(kept, target);
          target = promoted(name, dup, done > 0);
          promoted = true;
          if (target == null) {
            return new GroupResult(group, linked, freed, freedOnDisk, kept);
          }
          break;
        } else if (r == Result.KEPT_CHANGED || r == Result.GROUP_FAILED) {
          if (r == Result.KEPT_CHANGED) {
            tally.changed.addAndGet(namesAfter(group, dup, name));
          }
          return new GroupResult(group, linked, freed, freedOnDisk, addKept(kept, target));
        }
      }
      if (!promoted && done == dup.nameCount() && !dup.hasOutsideNames()) {
        freed += dup.size();
        freedOnDisk += dup.allocatedBytes();
      }
    }
    return new GroupResult(group, linked, freed, freedOnDisk, addKept(kept, target));
  }

  /** The kept file's attributes after the links made to it, for the cache; the list. */
  private static List<FileStat> addKept(List<FileStat> kept, Target target) {
    if (target.linkedTo) {
      kept.add(target.stat);
    }
    return kept;
  }

  /**
   * The duplicate whose name met the kept file's link limit, kept from here on; null when it
   * changed. If some of its names were linked already, that moved its change time: the one it
   * has now is taken, once it is seen to be the inode, size and time that was read.
   */
  private Target promoted(Name name, Inode dup, boolean namesLinked) {
    if (!namesLinked) {
      return new Target(name, dup.stat());
    }
    try {
      FileStat now = FileStat.of(name.path());
      if (now.isRegularFile() && now.sameContentIdentity(dup.stat())) {
        return new Target(name, now);
      }
    } catch (IOException e) {
      // counted as changed below
    }
    run.changed(name.path());
    return null;
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
      temp = createTemporaryLink(dir, path, target.path);
    } catch (IOException e) {
      afterOwnChange(target); // a link that fails may have moved it too (ext4 does)
      return refused(path, target, e);
    }
    Result r = replace(dir, target, dup, path, temp);
    if (r != Result.LINKED && r != Result.KEPT_CHANGED) {
      afterOwnChange(target); // a temporary name of it was made and removed
    }
    return r;
  }

  /**
   * Takes the kept file's change time again after this run made and removed a name of it,
   * which moved it; the name must still be the inode, size and time that was read.
   */
  private void afterOwnChange(Target target) {
    try {
      FileStat now = FileStat.of(target.path);
      if (now.isRegularFile() && now.sameContentIdentity(target.stat)) {
        target.stat = now;
      }
    } catch (IOException e) {
      // the next check of the kept file finds it changed or gone
    }
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
    if (!unchanged(target.path, target.stat)) {
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
          + Paths.display(target.path) + ": " + Problems.reason(e)
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
      if (!dir.holds(tempName, target.stat)) {
        run.changed(target.path);
        removeTemporary(dir, tempName);
        return Result.KEPT_CHANGED;
      }
    } catch (NoSuchFileException e) {
      // The path no longer leads to the directory that was checked: a directory on the way was
      // swapped in the instant before the link, which landed wherever the path leads now.
      removeStray(temp, target.stat);
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
      target.linkedTo = true;
      target.stat = afterLink(dir, fileName, target.stat);
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
      probe = createTemporaryLink(null, target.path, target.path);
    } catch (IOException e) {
      return Failure.of(e) == Failure.LINKS_REFUSED;
    }
    removeStray(probe, target.stat);
    afterOwnChange(target);
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

  /**
   * The kept file's attributes just after a name became a link to it, read through that name
   * in its opened directory: the change time the link moved. Unknown (and then no more links
   * are made to it) where the JDK's attributes do not show it.
   */
  private static FileStat afterLink(Directory dir, Path name, FileStat before) {
    try {
      FileStat now = FileStat.of(dir.attributes(name));
      if (now != null && now.sameContentIdentity(before)) {
        return now;
      }
    } catch (IOException e) {
      // as unknown
    }
    return new FileStat(before.dev(), before.ino(), before.size(), before.mtimeNanos(), -1,
        before.mode(), before.uid(), before.gid(), before.nlink());
  }

  /**
   * True when the name still is the inode, size, time and change time it was when read (or
   * when this run last linked to it).
   */
  private boolean unchanged(Path path, FileStat expected) {
    try {
      FileStat now = FileStat.of(path);
      if (now.isRegularFile() && now.sameContentIdentity(expected)
          && now.ctimeNanos() == expected.ctimeNanos()) {
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



  /**
   * Links {@code target} under a fresh temporary name in the directory of {@code beside}: in
   * {@code dir}, that directory opened, where given.
   */
  private Path createTemporaryLink(Directory dir, Path beside, Path target) throws IOException {
    FileAlreadyExistsException last = null;
    for (int attempt = 0; attempt < 16; attempt++) {
      Path temp = beside.resolveSibling(temporaryNames.next());
      try {
        if (dir != null) {
          ops.createLinkIn(dir.stream(), temp, target);
        } else {
          ops.createLink(temp, target);
        }
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
