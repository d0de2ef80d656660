package linkdupes.link;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;
import linkdupes.report.Paths;
import linkdupes.report.Problems;
import linkdupes.report.Tally;
import linkdupes.scan.FileStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that changes the file system. Each duplicate name is re-checked, linked to the
 * kept file under a temporary name beside it, checked again, and renamed over the duplicate, so
 * the name always exists and always holds the same bytes.
 */
public final class Linker {
  /** Every temporary name starts with this, so leftovers of a killed run are recognisable. */
  public static final String TEMP_PREFIX = ".linkdupes.";
  private static final int TEMP_RANDOM_CHARS = 12;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final Logger LOG = LoggerFactory.getLogger(Linker.class);

  private final LinkOps ops;
  private final Problems problems;
  private final Tally tally;
  private final SecureRandom random = new SecureRandom();

  public Linker(LinkOps ops, Problems problems, Tally tally) {
    this.ops = ops;
    this.problems = problems;
    this.tally = tally;
  }

  private enum Result { LINKED, SKIPPED, FAILED, TOO_MANY_LINKS, KEPT_CHANGED }

  /** The file every duplicate is linked to: a name of it and its attributes when hashed. */
  private record Target(Path path, FileStat stat) {}

  public GroupResult link(LinkGroup group) {
    Target target = new Target(group.kept().firstName().path(), group.kept().stat());
    List<GroupResult.Link> linked = new ArrayList<>();
    long freed = 0;
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
          target = new Target(name.path(), dup.stat());
          promoted = true;
          break;
        } else if (r == Result.KEPT_CHANGED) {
          return new GroupResult(group, linked, freed);
        }
      }
      if (!promoted && done == dup.names().size() && !dup.hasOutsideNames()) {
        freed += dup.size();
      }
    }
    return new GroupResult(group, linked, freed);
  }

  private Result linkOne(Target target, Inode dup, Name name) {
    Path path = name.path();
    if (!unchanged(path, dup.stat())) {
      return Result.SKIPPED;
    }
    if (!unchanged(target.path(), target.stat())) {
      return Result.KEPT_CHANGED;
    }
    Path temp;
    try {
      temp = createTemporaryLink(path, target.path());
    } catch (IOException e) {
      if (ops.isTooManyLinks(e)) {
        return Result.TOO_MANY_LINKS;
      }
      problems.error("cannot link", path, e);
      return Result.FAILED;
    }
    try {
      // The kept file may have been replaced or rewritten since it was checked: the new name
      // must be the very inode that was hashed, with its size and time unchanged.
      if (!FileStat.of(temp).sameContentIdentity(target.stat())) {
        changed(target.path());
        removeTemporary(temp);
        return Result.KEPT_CHANGED;
      }
      if (!unchanged(path, dup.stat())) {
        removeTemporary(temp);
        return Result.SKIPPED;
      }
      ops.rename(temp, path);
    } catch (IOException e) {
      problems.error("cannot link", path, e);
      removeTemporary(temp);
      return Result.FAILED;
    }
    return Result.LINKED;
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
    changed(path);
    return false;
  }

  private void changed(Path path) {
    tally.changed.incrementAndGet();
    problems.warning("skipping " + Paths.display(path) + ": changed during the run");
  }

  /**
   * Links {@code target} under a fresh random name in the directory of {@code beside}. The name
   * has a fixed length, so it fits wherever the duplicate's name fits, and is created
   * exclusively: an existing name is never reused.
   */
  private Path createTemporaryLink(Path beside, Path target) throws IOException {
    FileAlreadyExistsException last = null;
    for (int attempt = 0; attempt < 16; attempt++) {
      Path temp = beside.resolveSibling(temporaryName());
      try {
        ops.createLink(temp, target);
        return temp;
      } catch (FileAlreadyExistsException e) {
        last = e;
      }
    }
    throw last;
  }

  String temporaryName() {
    StringBuilder b = new StringBuilder(TEMP_PREFIX.length() + TEMP_RANDOM_CHARS)
        .append(TEMP_PREFIX);
    for (int i = 0; i < TEMP_RANDOM_CHARS; i++) {
      b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }

  private void removeTemporary(Path temp) {
    try {
      ops.delete(temp);
    } catch (IOException e) {
      problems.error("cannot remove temporary name", temp, e);
    }
  }
}
