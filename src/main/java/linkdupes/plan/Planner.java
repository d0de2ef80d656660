package linkdupes.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import linkdupes.group.ContentGroup;
import linkdupes.group.Inode;
import linkdupes.group.Name;

/**
 * Turns groups of equal content into a plan. Pure: it reads no file and changes nothing.
 *
 * <p>The kept inode is chosen deterministically: first one that keeps names outside the scanned
 * trees (it cannot be freed anyway, so keeping it frees the most), then the one with the most
 * links (so a re-run never churns), then the oldest (or newest) modification time, then the
 * root given first, then the path.
 */
public final class Planner {
  /**
   * Root given first, then path (compared as the system's bytes). The comparators here are
   * written out rather than composed of lambdas, whose chains are slow to call while the code
   * is cold: a -v run over /usr/share took 25 ms longer with them (the median of three
   * batches of 30-40 runs, 0-57 ms, alternating builds).
   */
  private static final Comparator<Name> NAME_ORDER = new Comparator<>() {
    @Override
    public int compare(Name a, Name b) {
      int c = Integer.compare(a.root(), b.root());
      return c != 0 ? c : a.path().compareTo(b.path());
    }
  };

  private final Policy policy;
  private final Comparator<Inode> keepOrder;
  /** Each inode's extended attributes as one number (fs.Attributes), read before planning. */
  private final ToLongFunction<Inode> xattrs;
  /** Who can reach each inode's names through their folders, as one number. */
  private final ToLongFunction<Inode> access;
  /** The mount each inode's names are in (link(2) refuses across two), as its id. */
  private final ToLongFunction<Inode> mount;

  public Planner(Policy policy) {
    this(policy, inode -> 0, inode -> 0, inode -> 0);
  }

  public Planner(Policy policy, ToLongFunction<Inode> xattrs, ToLongFunction<Inode> access,
      ToLongFunction<Inode> mount) {
    this.policy = policy;
    this.xattrs = xattrs;
    this.access = access;
    this.mount = mount;
    this.keepOrder = keepOrder();
  }

  private Planner(Comparator<Inode> keepOrder) {
    this.policy = new Policy(true, true, false, false, true, true);
    this.xattrs = inode -> 0;
    this.access = inode -> 0;
    this.mount = inode -> 0;
    this.keepOrder = keepOrder;
  }

  /**
   * A planner of clones ({@link Method#CLONE}): every file keeps its own metadata, so none of
   * it keeps files apart or chooses the one kept. Kept is the file made first, by its inode
   * number (each group lies on one device), whose blocks were most likely written first: the
   * blocks freed are then those of the later copies, which lie together, and so do the file
   * system's records of them (on btrfs, extent items and checksums), which then free whole
   * leaves. A clone of the mixed test tree (btrfs, fresh copy, free space by statvfs'
   * {@code f_bfree}, 2 runs each) gave back 1,530,232,832-1,530,691,584 bytes keeping the
   * first inode, 1,528,922,112-1,529,380,864 keeping the oldest modification time,
   * 1,528,758,272-1,528,856,576 keeping the last inode; jdupes -B, which keeps the first
   * name, 1,529,675,776-1,529,806,848.
   */
  public static Planner forClones() {
    return new Planner(new Comparator<>() {
      @Override
      public int compare(Inode a, Inode b) {
        int c = Long.compare(a.ino(), b.ino());
        return c != 0 ? c : NAME_ORDER.compare(firstName(a), firstName(b));
      }
    });
  }

  private Policy.Key key(Inode inode) {
    return policy.key(inode.stat(), mount.applyAsLong(inode), xattrs.applyAsLong(inode),
        access.applyAsLong(inode));
  }

  /** A device and a mount of it: names linkable to each other are in one. */
  private static final class Place {
    final long dev;
    final long mount;

    Place(long dev, long mount) {
      this.dev = dev;
      this.mount = mount;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Place p && p.dev == dev && p.mount == mount;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(dev) * 31 + Long.hashCode(mount);
    }
  }

  public LinkPlan plan(List<ContentGroup> contentGroups) {
    List<LinkGroup> groups = new ArrayList<>();
    long otherMetadata = 0;
    long otherDevice = 0;
    for (ContentGroup same : contentGroups) {
      List<Inode> content = same.inodes();
      if (samePolicyKey(content)) { // the common case: one device, one owner, one mode
        groups.add(group(content, same));
        continue;
      }
      Map<Place, Map<Policy.Key, List<Inode>>> byDevice = new LinkedHashMap<>();
      for (Inode inode : content) {
        byDevice.computeIfAbsent(new Place(inode.dev(), mount.applyAsLong(inode)),
                d -> new LinkedHashMap<>())
            .computeIfAbsent(key(inode), k -> new ArrayList<>()).add(inode);
      }
      otherDevice += namesElsewhere(
          byDevice.values().stream().map(m -> m.values().stream().flatMap(List::stream).toList())
              .toList());
      for (Map<Policy.Key, List<Inode>> parts : byDevice.values()) {
        otherMetadata += namesOutsideLargest(new ArrayList<>(parts.values()));
        for (List<Inode> part : parts.values()) {
          if (part.size() >= 2) {
            groups.add(group(part, same));
          }
        }
      }
    }
    sortLargestFirst(groups);
    return new LinkPlan(List.copyOf(groups), otherMetadata, otherDevice);
  }

  /**
   * Most bytes to free first, then by the kept file's first name. Names are made only for the
   * groups that tie on bytes, once each, not on every comparison.
   */
  static void sortLargestFirst(List<LinkGroup> groups) {
    groups.sort(new Comparator<LinkGroup>() {
      @Override
      public int compare(LinkGroup a, LinkGroup b) {
        return Long.compare(b.bytesToFree(), a.bytesToFree());
      }
    });
    record Keyed(LinkGroup group, Name name, Path path) {}
    Comparator<Keyed> byName = new Comparator<>() {
      @Override
      public int compare(Keyed a, Keyed b) {
        int c = Integer.compare(a.name().root(), b.name().root());
        return c != 0 ? c : a.path().compareTo(b.path());
      }
    };
    int start = 0;
    while (start < groups.size()) {
      long bytes = groups.get(start).bytesToFree();
      int end = start + 1;
      while (end < groups.size() && groups.get(end).bytesToFree() == bytes) {
        end++;
      }
      if (end - start > 1) {
        List<Keyed> run = new ArrayList<>(end - start);
        for (LinkGroup g : groups.subList(start, end)) {
          Name n = g.kept().firstName();
          run.add(new Keyed(g, n, n.path()));
        }
        run.sort(byName);
        for (int i = 0; i < run.size(); i++) {
          groups.set(start + i, run.get(i).group());
        }
      }
      start = end;
    }
  }

  private boolean samePolicyKey(List<Inode> inodes) {
    Policy.Key first = key(inodes.get(0));
    for (int i = 1; i < inodes.size(); i++) {
      if (!first.equals(key(inodes.get(i)))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Names on every device or mount but the one with the most, except names of an inode that
   * is also seen there (through a bind mount): those are the same file already.
   */
  private static long namesElsewhere(List<List<Inode>> places) {
    if (places.size() < 2) {
      return 0;
    }
    List<Inode> largest = places.get(0);
    long most = -1;
    for (List<Inode> place : places) {
      long names = 0;
      for (Inode i : place) {
        names += i.nameCount();
      }
      if (names > most) {
        most = names;
        largest = place;
      }
    }
    long elsewhere = 0;
    for (List<Inode> place : places) {
      if (place == largest) {
        continue;
      }
      for (Inode i : place) {
        if (!seenIn(largest, i)) {
          elsewhere += i.nameCount();
        }
      }
    }
    return elsewhere;
  }

  private static boolean seenIn(List<Inode> place, Inode inode) {
    for (Inode i : place) {
      if (i.dev() == inode.dev() && i.ino() == inode.ino()) {
        return true;
      }
    }
    return false;
  }

  /** Names in every part but the largest: content twins the policy keeps apart. */
  private static long namesOutsideLargest(List<List<Inode>> parts) {
    if (parts.size() < 2) {
      return 0;
    }
    long total = 0;
    long largest = 0;
    for (List<Inode> part : parts) {
      long names = 0;
      for (Inode i : part) {
        names += i.nameCount();
      }
      total += names;
      largest = Math.max(largest, names);
    }
    return total - largest;
  }

  private LinkGroup group(List<Inode> inodes, ContentGroup of) {
    List<Inode> sorted = new ArrayList<>(inodes);
    sorted.sort(keepOrder);
    Inode kept = sorted.get(0);
    List<Inode> duplicates = List.copyOf(sorted.subList(1, sorted.size()));
    return new LinkGroup(kept, duplicates, of.sha256(), of.compared());
  }

  /** Best candidate to keep first. */
  Comparator<Inode> keepOrder() {
    boolean newest = policy.keepNewest();
    return new Comparator<>() {
      @Override
      public int compare(Inode a, Inode b) {
        // names outside the trees first, then most links, then the time, then the name
        int c = Boolean.compare(!a.hasOutsideNames(), !b.hasOutsideNames());
        if (c == 0) {
          c = Integer.compare(b.nlink(), a.nlink());
        }
        if (c == 0) {
          c = newest ? Long.compare(b.mtimeNanos(), a.mtimeNanos())
              : Long.compare(a.mtimeNanos(), b.mtimeNanos());
        }
        return c != 0 ? c : NAME_ORDER.compare(firstName(a), firstName(b));
      }
    };
  }

  private static Name firstName(Inode inode) {
    if (inode.nameCount() == 1) {
      return inode.firstName();
    }
    Name first = inode.names().get(0);
    for (Name n : inode.names()) {
      if (NAME_ORDER.compare(n, first) < 0) {
        first = n;
      }
    }
    return first;
  }
}
