package linkdupes.pipeline;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import linkdupes.base.Paths;
import linkdupes.base.RunContext;
import linkdupes.fs.FileMeta;
import linkdupes.fs.LinkOps;
import linkdupes.journal.Entry;
import linkdupes.journal.Journal;
import linkdupes.link.Splitter;

/**
 * {@code linkdupes split PATH...}: each named file that has other names gets a copy of its
 * own, with the metadata it has now, so that it can change alone (a library copy about to be
 * retagged while the torrent it came from still seeds). With {@code -r}, every such file under
 * the named folders. Recorded in the journal as a run of its own.
 */
public final class Split {
  private Split() {}

  /** What became of one name. */
  public enum Outcome { SPLIT, WOULD_SPLIT, ALREADY_ITS_OWN, CHANGED, FAILED }

  public record Done(java.nio.file.Path path, long size, Outcome outcome) {}

  /** @param runId its number in the journal, 0 in a dry run or without a journal */
  public record Result(long runId, boolean dryRun, List<Done> names, long bytes) {
    public long count(Outcome o) {
      return names.stream().filter(d -> d.outcome() == o).count();
    }
  }

  public static Result run(Subcommand.Split o, LinkOps ops, RunContext run) throws IOException {
    List<Path> files = files(o.paths(), o.recursive());
    List<Done> done = new ArrayList<>();
    List<OwnCopies.Name> toSplit = new ArrayList<>();
    List<FileMeta> metas = new ArrayList<>();
    long bytes = 0;
    long seq = 0;
    for (Path f : files) {
      Path real = f.toAbsolutePath().getParent().toRealPath().resolve(f.getFileName());
      FileMeta.Read now = FileMeta.read(real);
      if (!now.stat().isRegularFile()) {
        continue;
      }
      if (now.stat().nlink() < 2) {
        done.add(new Done(f, now.stat().size(), Outcome.ALREADY_ITS_OWN));
        continue;
      }
      toSplit.add(new OwnCopies.Name(new Entry(++seq, seq, "hardlink", real, now.stat(),
          now.meta(), null, real, now.stat().ino(), now.stat().mtimeNanos(), Entry.PLANNED,
          null, 0), now.stat()));
      metas.add(now.meta());
      bytes += now.stat().size();
    }
    OwnCopies.checkRoom(toSplit);
    if (o.dryRun()) {
      for (OwnCopies.Name n : toSplit) {
        done.add(new Done(n.entry().path(), n.shared().size(), Outcome.WOULD_SPLIT));
      }
      return new Result(0, true, done, bytes);
    }
    Journal journal = o.journal() == null || toSplit.isEmpty() ? null : Journal.open(o.journal());
    try {
      long id = journal == null ? 0 : journal.startRun("split", o.paths(), o.commandLine(), 0);
      long given = 0;
      try (OwnCopies copies = new OwnCopies(journal, id, ops, run)) {
        for (int i = 0; i < toSplit.size(); i++) {
          OwnCopies.Name n = toSplit.get(i);
          if (linkdupes.fs.FileStat.of(n.entry().path()).nlink() < 2) { // its other names were
            done.add(new Done(n.entry().path(), n.shared().size(), Outcome.ALREADY_ITS_OWN));
            continue; // split just before it
          }
          Splitter.Outcome out = copies.give(n, metas.get(i));
          if (out == Splitter.Outcome.SPLIT) {
            given += n.shared().size();
          } else if (out == Splitter.Outcome.CHANGED) {
            run.changed(n.entry().path());
          }
          done.add(new Done(n.entry().path(), n.shared().size(), switch (out) {
            case SPLIT -> Outcome.SPLIT;
            case CHANGED -> Outcome.CHANGED;
            case FAILED -> Outcome.FAILED;
          }));
        }
        copies.finish(given);
      }
      return new Result(id, false, done, given);
    } finally {
      if (journal != null) {
        journal.close();
      }
    }
  }

  /**
   * The regular files named, and with {@code recursive} those under the folders named, no
   * symlink followed; a folder without {@code recursive}, a symlink, or anything else named is
   * an error.
   */
  private static List<Path> files(List<Path> paths, boolean recursive) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (a.isRegularFile()) {
        files.add(p);
      } else if (a.isDirectory() && recursive) {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
      } else {
        throw new IOException("cannot split " + Paths.display(p) + ": "
            + (a.isDirectory() ? "it is a folder (-r splits every file under it)"
            : a.isSymbolicLink() ? "it is a symlink, which is never followed"
            : "not a regular file"));
      }
    }
    return files;
  }
}
