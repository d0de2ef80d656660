package linkdupes.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import linkdupes.base.Problems;
import linkdupes.base.RunContext;
import linkdupes.fs.Attributes;
import linkdupes.fs.FileStat;
import linkdupes.fs.PathBytes;
import linkdupes.group.ContentGroup;
import linkdupes.group.Inode;
import linkdupes.group.Name;
import linkdupes.hash.Digests;
import linkdupes.hash.Thumbnails;
import linkdupes.link.GroupResult;
import linkdupes.scan.ScanResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A run's session on a cache file: its lock held, its store opened in the background. */
final class DatabaseSession implements CacheSession {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseSession.class);

  private final Path file;
  private final RunLock lock;
  /** The store being opened; once the run needs it, reading it whole stops. */
  private final CompletableFuture<DigestStore> opening;
  private final AtomicBoolean needed;
  private final RunContext run;
  private final long started = System.nanoTime();
  /** The store, once opened; null when it could not be used or failed since. */
  private DigestStore store;
  private boolean joined;
  private long lookUpNanos;

  private DatabaseSession(Path file, RunLock lock, CompletableFuture<DigestStore> opening,
      AtomicBoolean needed, RunContext run) {
    this.file = file;
    this.lock = lock;
    this.opening = opening;
    this.needed = needed;
    this.run = run;
  }

  static CacheSession open(Path file, boolean wait, RunContext run)
      throws RunLock.HeldException {
    Problems problems = run.problems();
    try {
      String refusal = PrivateFolder.refusal(file);
      if (refusal != null) {
        problems.warning("not using the cache " + file + ": " + refusal);
        return NONE;
      }
    } catch (IOException e) {
      problems.warning("not using the cache " + file + ": " + Problems.reason(e));
      return NONE;
    }
    RunLock lock;
    try {
      lock = RunLock.acquire(file, wait, () -> problems.warning(
          "waiting for another run of linkdupes to finish with the cache " + file));
    } catch (IOException e) {
      problems.warning("not using the cache " + file + ": cannot lock "
          + RunLock.lockFile(file) + ": " + Problems.reason(e));
      return NONE;
    }
    AtomicBoolean needed = new AtomicBoolean();
    CompletableFuture<DigestStore> opening = CompletableFuture.supplyAsync(
        () -> DigestStore.open(file, problems, needed), r -> {
          Thread t = new Thread(r, "linkdupes-cache");
          t.setDaemon(true);
          t.start();
        });
    return new DatabaseSession(file, lock, opening, needed, run);
  }

  /** The store, waited for the first time; null when there is none to use. */
  private DigestStore store() {
    if (!joined) {
      needed.set(true);
      store = opening.join();
      joined = true;
      LOG.debug("cache {} opened after {} ms", file,
          (System.nanoTime() - started) / 1_000_000);
    }
    return store;
  }

  @Override
  public boolean isOpen() {
    return store() != null;
  }

  @Override
  public void prepare(Candidates candidates, List<ScanResult.Root> roots) {
    if (!(store() instanceof SqliteStore db)) {
      return; // none, or read whole already
    }
    try {
      if (JoinedStore.pays(db.entries(), candidates.count())) {
        store = JoinedStore.read(db, candidates, realRoots(roots));
      }
    } catch (SQLException e) {
      fail(e);
    }
  }

  private static List<byte[]> realRoots(List<ScanResult.Root> roots) {
    List<byte[]> real = new ArrayList<>();
    for (ScanResult.Root r : roots) {
      real.add(PathBytes.of(r.real()));
    }
    return real;
  }

  @Override
  public Digests lookUp(List<List<Inode>> batch) {
    DigestStore s = store();
    if (s == null) {
      return Digests.NONE;
    }
    long start = System.nanoTime();
    List<Inode> all = new ArrayList<>();
    List<FileStat> stats = new ArrayList<>();
    for (List<Inode> group : batch) {
      for (Inode inode : group) {
        all.add(inode);
        stats.add(inode.stat());
      }
    }
    Digests known = new Digests();
    try {
      Digests.Entry[] found = s.get(stats);
      for (int i = 0; i < found.length; i++) {
        if (found[i] != null) {
          Inode inode = all.get(i);
          known.put(inode, found[i]);
          if (found[i].attributes() != null && inode.wantsAttributes()) {
            inode.attributesKnown(found[i].attributes()); // not read again, by any stage
          }
        }
      }
    } catch (SQLException e) {
      fail(e);
    }
    lookUpNanos += System.nanoTime() - start;
    return known;
  }

  @Override
  public void record(List<List<Inode>> batch, Digests known, Function<Name, Path> realPath,
      Digests... learned) {
    try {
      for (List<Inode> group : batch) {
        for (Inode inode : group) {
          if (store == null) {
            return;
          }
          record(inode, known.get(inode), realPath, learned);
        }
      }
    } catch (SQLException e) {
      fail(e);
    }
  }

  /**
   * Puts what is known of {@code inode} now, when this run read something the cache did not
   * hold: anything, for a file it had no entry of; its SHA-256, for a file it knew only by its
   * first and last blocks.
   */
  private void record(Inode inode, Digests.Entry had, Function<Name, Path> realPath,
      Digests[] learned) throws SQLException {
    byte[] ends = had == null ? null : had.endsKey();
    byte[] sha = had == null ? null : had.sha256();
    for (Digests d : learned) {
      Digests.Entry e = d.get(inode);
      if (e != null) {
        ends = e.endsKey() != null ? e.endsKey() : ends;
        sha = e.sha256() != null ? e.sha256() : sha;
      }
    }
    boolean news = had == null ? ends != null || sha != null
        : had.sha256() == null && sha != null;
    Attributes.Found read = inode.attributesRead();
    if (news) {
      store.put(inode.stat(), ends, sha, PathBytes.of(realPath.apply(inode.firstName())),
          read != null ? read : had == null ? null : had.attributes());
    } else if (read != null && had != null && had.attributes() == null) {
      store.attributes(inode.stat(), read);
    }
  }

  @Override
  public void attributesRead(List<Inode> inodes) {
    try {
      for (Inode inode : inodes) {
        if (store() == null) {
          return;
        }
        Attributes.Found read = inode.attributesRead();
        if (read != null) {
          store.attributes(inode.stat(), read);
        }
      }
    } catch (SQLException e) {
      fail(e);
    }
  }

  @Override
  public void pictures(List<ContentGroup> groups, Thumbnails thumbnails) {
    for (ContentGroup g : groups) {
      if (store() == null) {
        return;
      }
      boolean has = false;
      for (Inode i : g.inodes()) {
        has |= thumbnails.of(i) != null;
      }
      for (int k = 0; !has && k < g.inodes().size(); k++) {
        Inode i = g.inodes().get(k);
        try {
          Thumbnails.Picture p = store.picture(i.stat());
          if (p != null) {
            thumbnails.kept(i, p);
            has = true;
          }
        } catch (SQLException e) {
          fail(e);
          return;
        }
      }
    }
  }

  @Override
  public void keepPictures(Thumbnails thumbnails) {
    for (Thumbnails.Made m : thumbnails.madeByThisRun()) {
      if (store() == null) {
        return;
      }
      try {
        store.keepPicture(m);
      } catch (SQLException e) {
        fail(e);
        return;
      }
    }
  }

  @Override
  public void linked(List<GroupResult> results) {
    for (GroupResult result : results) {
      // the kept file as seen just after the run's last link to it, never looked at again:
      // a change since (one that restored its modification time too) moved its change time
      // away from this one, so its entry will not match
      for (FileStat kept : result.keptAfterLinking()) {
        if (store() == null) {
          return;
        }
        if (kept.ctimeNanos() < 0) {
          continue; // not seen: its entry keeps the old change time and will be a miss
        }
        try {
          store.linked(kept, kept.ctimeNanos());
        } catch (SQLException e) {
          fail(e);
        }
      }
    }
  }

  @Override
  public void finish(List<ScanResult.Root> roots) {
    DigestStore s = store();
    if (s == null) {
      return;
    }
    try {
      long pruned = s.prune(realRoots(roots));
      s.commit();
      LOG.debug("cache {}: {} hits, {} misses ({} ms looking up, {}), "
          + "{} entries pruned ({} ms)", s.file(), s.hits(), s.misses(), lookUpNanos / 1_000_000,
          how(s),
          pruned, (System.nanoTime() - started) / 1_000_000);
    } catch (SQLException e) {
      fail(e);
    }
  }

  private static String how(DigestStore s) {
    if (s instanceof JoinedStore j) {
      return "joined in one pass over " + j.entriesRead() + " entries in " + j.joinMillis()
          + " ms";
    }
    return s.preloaded() < 0 ? "in the database" : s.preloaded() + " entries read when opened";
  }

  /** A failed cache is one warning: the run goes on without it. */
  private void fail(SQLException e) {
    run.problems().warning("not using the cache " + file + " any further: " + e.getMessage());
    store.close();
    store = null;
  }

  @Override
  public void close() {
    needed.set(true);
    DigestStore s = joined ? store : opening.join();
    if (s != null) {
      s.close();
    }
    lock.close();
  }
}
