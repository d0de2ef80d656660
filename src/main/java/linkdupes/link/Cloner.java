package linkdupes.link;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import linkdupes.base.RunContext;
import linkdupes.base.Workers;
import linkdupes.fs.ChangedDuringRunException;
import linkdupes.fs.Dedupe;
import linkdupes.fs.LinkOps;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;

/**
 * Duplicates made to share the kept file's blocks ({@link Dedupe}), each file keeping its inode,
 * names and metadata. After {@link CloneDevices} has found which devices can, two steps: what
 * each group would free there ({@link #measure}: what is shared already is neither counted nor
 * done again), and the sharing itself ({@link #clone}), where the kernel compares every byte
 * before it shares it, so a file that changed since it was read keeps its bytes.
 */
public final class Cloner {
  private Cloner() {}

  /**
   * Files a group not compared whole may keep, one after the other: each duplicate the kernel
   * finds to differ from all of them becomes one, for those after it. Files of one size with
   * equal first and last blocks and other bytes between are rare; this bounds the kernel's
   * comparisons of a group of many such files to this many per file.
   */
  static final int MOST_KEPT = 8;

  /**
   * The clone groups of a plan: of each group's duplicates, those with blocks no other file
   * shares, with the space those blocks would free, mapped on up to {@code threads} threads
   * (the file system's work: on btrfs, 150-200 ms of one core for the mixed test tree's 7,089
   * copies). Groups with none left are dropped. A file that changed since the walk leaves its
   * group.
   */
  public static List<LinkGroup> measure(List<LinkGroup> groups, int threads,
      Function<Name, Path> realPath, RunContext run) {
    LinkGroup[] measured = new LinkGroup[groups.size()];
    Workers.forEachIndex(groups.size(), threads, r -> new Thread(r, "linkdupes-map").start(),
        () -> k -> measured[k] = measure(groups.get(k), realPath, run));
    List<LinkGroup> left = new ArrayList<>(groups.size());
    for (LinkGroup g : measured) {
      if (g != null) {
        left.add(g);
      }
    }
    return left;
  }

  /** One group as {@link #measure(List, int, Function, RunContext)} leaves it, or null. */
  private static LinkGroup measure(LinkGroup g, Function<Name, Path> realPath, RunContext run) {
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
    return toShare.isEmpty() ? null : LinkGroup.clone(g.kept(), toShare, g.digest(),
        Arrays.copyOf(each, toShare.size()), g.compared());
  }

  /**
   * Shares the kept file's blocks with every duplicate of {@code group}, one after the other.
   * The space freed is what each duplicate's unshared blocks occupied when the plan mapped
   * them (mapping them again here took the sharing stage of the mixed tree 0.65-0.67 s against
   * 0.54-0.60 s): a file changed since is not shared, and so not counted.
   *
   * <p>Of a group not compared whole ({@link LinkGroup#compared}), a duplicate the kernel finds
   * to differ from the kept file is no duplicate of it: it is offered to the next file kept, and
   * if it differs from all of them (up to {@link #MOST_KEPT}) it is kept itself, for the files
   * after it. Its links then name it as their kept file.
   */
  public static GroupResult clone(LinkGroup group, LinkOps ops, Function<Name, Path> realPath,
      RunContext run) {
    return new Sharing(group, ops, realPath, run).run();
  }

  /** The sharing of one group: the files kept so far, each open, and what was freed. */
  private static final class Sharing {
    /** A file whose blocks duplicates come to share, open for the group, and those that did. */
    private record Kept(Name name, Dedupe.Source source, List<GroupResult.Link> cloned) {}

    private final LinkGroup group;
    private final LinkOps ops;
    private final Function<Name, Path> realPath;
    private final RunContext run;
    private final List<Kept> kept = new ArrayList<>(1);
    private long bytes;
    private long disk;

    Sharing(LinkGroup group, LinkOps ops, Function<Name, Path> realPath, RunContext run) {
      this.group = group;
      this.ops = ops;
      this.realPath = realPath;
      this.run = run;
    }

    GroupResult run() {
      try {
        kept.add(open(group.kept()));
        for (int i = 0; i < group.duplicates().size(); i++) {
          share(group.duplicates().get(i), group.diskBytesEach()[i]);
        }
      } catch (KeptChanged e) {
        run.changed(e.name.path()); // the rest of its group is left as it is
      } catch (ChangedDuringRunException e) {
        run.changed(group.kept().firstName().path());
      } catch (IOException e) {
        run.problems().error("cannot clone to", group.kept().firstName().path(), e);
      } finally {
        for (Kept k : kept) {
          k.source().close();
        }
      }
      List<GroupResult.Link> cloned = new ArrayList<>();
      for (Kept k : kept) {
        cloned.addAll(k.cloned()); // those of each kept file together, the group's own first
      }
      return new GroupResult(group, cloned, bytes, disk);
    }

    /** One duplicate shared with the first kept file the kernel finds its bytes equal to. */
    private void share(Inode dup, long diskBytes) throws KeptChanged {
      Path path = realPath.apply(dup.firstName());
      try {
        for (Kept k : kept) {
          if (ops.share(k.source(), path, dup.stat()) == Dedupe.Outcome.SHARED) {
            k.cloned().add(new GroupResult.Link(dup.firstName(), k.name().path()));
            bytes += dup.size();
            disk += diskBytes;
            return;
          }
          // bytes differ, and the duplicate is as the walk saw it: is the kept file?
          checkUnchanged(k);
          if (group.compared()) { // both were read equal: one was written without a trace
            run.changed(dup.firstName().path());
            return;
          }
        }
        if (!group.compared() && kept.size() < MOST_KEPT) {
          kept.add(open(dup)); // equal to no file kept: perhaps to one after it
        }
      } catch (ChangedDuringRunException e) {
        for (Kept k : kept) {
          checkUnchanged(k); // the duplicate's, or a kept file's change?
        }
        run.changed(dup.firstName().path());
      } catch (IOException e) {
        run.problems().error("cannot clone", dup.firstName().path(), e);
      }
    }

    private Kept open(Inode inode) throws IOException {
      return new Kept(inode.firstName(),
          Dedupe.Source.open(realPath.apply(inode.firstName()), inode.stat()),
          new ArrayList<>());
    }

    private static void checkUnchanged(Kept k) throws KeptChanged {
      try {
        k.source().checkUnchanged();
      } catch (IOException e) { // not the file read any more, or no answer: taken as changed
        throw new KeptChanged(k.name());
      }
    }
  }

  /**
   * A file kept for its group changed during the run: the rest of the group is left. Not an
   * {@code IOException}, so that no handler of a duplicate's failure takes it for one.
   */
  private static final class KeptChanged extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Name name;

    KeptChanged(Name name) {
      super("changed during the run", null, false, false);
      this.name = name;
    }
  }

  private static void failed(Inode inode, String action, IOException e, RunContext run) {
    if (e instanceof ChangedDuringRunException) {
      run.changed(inode.firstName().path());
    } else {
      run.problems().error(action, inode.firstName().path(), e);
    }
  }
}
