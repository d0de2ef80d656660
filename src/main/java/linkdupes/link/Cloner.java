package linkdupes.link;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import linkdupes.base.Paths;
import linkdupes.base.RunContext;
import linkdupes.fs.ChangedDuringRunException;
import linkdupes.fs.Dedupe;
import linkdupes.fs.ErrnoException;
import linkdupes.fs.LinkOps;
import linkdupes.group.ContentGroup;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;
import linkdupes.plan.Method;

/**
 * Duplicates made to share the kept file's blocks ({@link Dedupe}), each file keeping its inode,
 * names and metadata. Three steps: which devices can ({@link #byDevice}), what each group would
 * free there ({@link #measure}: what is shared already is neither counted nor done again), and
 * the sharing itself ({@link #clone}), where the kernel compares every range before it shares
 * it, so a file that changed since it was read keeps its bytes.
 */
public final class Cloner {
  private Cloner() {}

  /**
   * The groups (or parts of them) on devices that share blocks, those on the others, and what
   * each file system asked was found to be able to do, by its mount as people know it.
   */
  public record Split(List<ContentGroup> toClone, List<ContentGroup> toLink,
      Map<String, Method> fileSystems) {}

  /**
   * Splits each group by device and asks each device once whether its file system shares
   * blocks (a request to share nothing). Where it cannot, the group's inodes there go to
   * {@code toLink} when {@code linkElsewhere} ({@code --method auto}), with those alone on
   * their device (the planner counts them as left on another device); else they are left alone
   * with one error line for the device.
   */
  public static Split byDevice(List<ContentGroup> same, boolean linkElsewhere,
      Function<Name, Path> realPath, RunContext run) {
    Map<Long, Boolean> shares = new HashMap<>();
    Map<String, Method> fileSystems = new LinkedHashMap<>();
    List<ContentGroup> clone = new ArrayList<>();
    List<ContentGroup> link = new ArrayList<>();
    for (ContentGroup g : same) {
      Map<Long, List<Inode>> byDev = new LinkedHashMap<>();
      for (Inode inode : g.inodes()) {
        byDev.computeIfAbsent(inode.dev(), d -> new ArrayList<>()).add(inode);
      }
      List<Inode> toLink = new ArrayList<>();
      for (Map.Entry<Long, List<Inode>> e : byDev.entrySet()) {
        List<Inode> part = e.getValue();
        if (part.size() < 2) {
          toLink.addAll(part);
          continue;
        }
        Boolean can = shares.get(e.getKey());
        if (can == null) {
          can = probe(part, linkElsewhere, realPath, run);
          if (can != null) {
            shares.put(e.getKey(), can);
            fileSystems.put(fileSystem(realPath.apply(part.get(0).firstName()),
                part.get(0).firstName().path()), can ? Method.CLONE : Method.HARDLINK);
          }
        }
        if (can == null || can) { // an unanswered probe: each file is asked when it is cloned
          clone.add(part.size() == g.inodes().size() ? g : new ContentGroup(part, g.sha256()));
        } else {
          toLink.addAll(part);
        }
      }
      if (linkElsewhere && toLink.size() >= 2) {
        link.add(toLink.size() == g.inodes().size() ? g : new ContentGroup(toLink, g.sha256()));
      }
    }
    return new Split(clone, link, fileSystems);
  }

  /**
   * True where the file system of {@code part} shares blocks, false where it cannot (said once
   * for the device), null when these files could not tell (one changed, or may not be shared).
   */
  private static Boolean probe(List<Inode> part, boolean linkElsewhere,
      Function<Name, Path> realPath, RunContext run) {
    Path kept = realPath.apply(part.get(0).firstName());
    try {
      Dedupe.probe(kept, part.get(0).stat(), realPath.apply(part.get(1).firstName()),
          part.get(1).stat());
      return true;
    } catch (ErrnoException e) {
      if (!Dedupe.refusedByFileSystem(e.errno())) {
        return null;
      }
      String where = fileSystem(kept, part.get(0).firstName().path());
      if (linkElsewhere) {
        run.problems().warning("hard-linking on " + where + ": it cannot share blocks ("
            + e.getReason() + ")");
      } else {
        run.problems().error("cannot clone on " + where + ": " + e.getReason()
            + " (--method auto hard-links there instead)");
      }
      return false;
    } catch (IOException e) {
      if (!Dedupe.available()) {
        run.problems().error("cannot clone: " + e.getMessage());
        return false;
      }
      return null;
    }
  }

  /** The mount a file is in, as people know it, {@code /srv (/dev/sdb1, ext4)}, shown safe. */
  private static String fileSystem(Path real, Path shown) {
    try {
      FileStore store = Files.getFileStore(real);
      String s = store.toString(); // "/srv (/dev/sdb1)" on Linux
      return Paths.display(s.endsWith(")")
          ? s.substring(0, s.length() - 1) + ", " + store.type() + ")"
          : s + " (" + store.type() + ")");
    } catch (IOException | RuntimeException e) {
      return "the file system of " + Paths.display(shown);
    }
  }

  /**
   * The clone groups of a plan: of each group's duplicates, those with blocks no other file
   * shares, with the space those blocks would free.
   * Groups with none left are dropped. A file that changed since the walk leaves its group.
   */
  public static List<LinkGroup> measure(List<LinkGroup> groups, Function<Name, Path> realPath,
      RunContext run) {
    List<LinkGroup> measured = new ArrayList<>(groups.size());
    for (LinkGroup g : groups) {
      List<Inode> toShare = new ArrayList<>();
      long[] each = new long[g.duplicates().size()];
      for (Inode dup : g.duplicates()) {
        try {
          List<Dedupe.Extent> extents = Dedupe.extents(realPath.apply(dup.firstName()),
              dup.stat());
          // a file whose blocks are all shared already (with the kept file, or a snapshot
          // keeps them) or inline in the file system's records would free nothing: left, so
          // that a second run shares nothing again. The kept file's own extents need not be
          // read: what shares them is marked shared. (Reading them too took 1.03 s to this
          // point of a clone of the mixed tree against 0.96 s.)
          long own = Dedupe.bytesFreed(extents);
          if (own > 0) {
            each[toShare.size()] = own;
            toShare.add(dup);
          }
        } catch (IOException e) {
          failed(dup, "cannot map the blocks of", e, run);
        }
      }
      if (!toShare.isEmpty()) {
        measured.add(LinkGroup.clone(g.kept(), toShare, g.digest(),
            Arrays.copyOf(each, toShare.size())));
      }
    }
    return measured;
  }

  /**
   * Shares the kept file's blocks with every duplicate of {@code group}, one after the other.
   * The space freed is what each duplicate's unshared blocks occupied when the plan mapped
   * them (mapping them again here took the sharing stage of the mixed tree 0.65-0.67 s against
   * 0.54-0.60 s): a file changed since is not shared, and so not counted.
   */
  public static GroupResult clone(LinkGroup group, LinkOps ops, Function<Name, Path> realPath,
      RunContext run) {
    Path shownKept = group.kept().firstName().path();
    List<GroupResult.Link> cloned = new ArrayList<>();
    long bytes = 0;
    long disk = 0;
    try (Dedupe.Source src = Dedupe.Source.open(realPath.apply(group.kept().firstName()),
        group.kept().stat())) {
      for (int i = 0; i < group.duplicates().size(); i++) {
        Inode dup = group.duplicates().get(i);
        try {
          if (ops.share(src, realPath.apply(dup.firstName()), dup.stat())
              == Dedupe.Outcome.SHARED) {
            cloned.add(new GroupResult.Link(dup.firstName(), shownKept));
            bytes += dup.size();
            disk += group.diskBytesEach()[i];
            continue;
          }
          // bytes differ: of which file? what was equal before them is shared, harmlessly
          src.checkUnchanged();
          run.changed(dup.firstName().path());
        } catch (ChangedDuringRunException e) {
          src.checkUnchanged();
          run.changed(dup.firstName().path());
        } catch (IOException e) {
          run.problems().error("cannot clone", dup.firstName().path(), e);
        }
      }
    } catch (ChangedDuringRunException e) {
      run.changed(shownKept); // the rest of its group is left as it is
    } catch (IOException e) {
      run.problems().error("cannot clone to", shownKept, e);
    }
    return new GroupResult(group, cloned, bytes, disk);
  }

  private static void failed(Inode inode, String action, IOException e, RunContext run) {
    if (e instanceof ChangedDuringRunException) {
      run.changed(inode.firstName().path());
    } else {
      run.problems().error(action, inode.firstName().path(), e);
    }
  }
}
