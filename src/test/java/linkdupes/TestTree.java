package linkdupes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linkdupes.fs.LinkOps;

/**
 * A tree to run the command on, built a line at a time: {@code tree.copies(1, 1000, "a", "b")
 * .link("a", "a2").run()}. The tree is the folder {@code tree} of a test's temporary folder;
 * names are relative to it, and {@code "../outside/x"} is a name beside it, outside the scanned
 * tree. A run lists the whole temporary folder before and after ({@link Outcome}), so every run
 * is checked for lost names, left temporary names and the freed bytes it reports.
 */
final class TestTree {
  private final Path tmp;
  private final Path root;

  private TestTree(Path tmp) {
    this.tmp = tmp;
    this.root = Trees.mkdirs(tmp.resolve("tree"));
  }

  /** An empty tree in {@code tmp}, the folder a run lists. */
  static TestTree in(Path tmp) {
    return new TestTree(tmp);
  }

  /** The tree's folder, as the command is given it. */
  Path root() {
    return root;
  }

  /** The tree's folder, as a command line names it: a tree passed to CommandRun is its root. */
  @Override
  public String toString() {
    return root.toString();
  }

  /** A name of the tree as a path, for the command line or a check. */
  Path path(String name) {
    return root.resolve(name).normalize();
  }

  /** The same random bytes (from {@code seed}) under every one of {@code names}. */
  TestTree copies(long seed, int size, String... names) {
    return file(Trees.random(seed, size), names);
  }

  /** {@code content} under every one of {@code names}, each a file of its own. */
  TestTree file(byte[] content, String... names) {
    for (String name : names) {
      Trees.write(path(name), content);
    }
    return this;
  }

  /** {@code content} under every one of {@code names}, each a file of its own. */
  TestTree file(String content, String... names) {
    for (String name : names) {
      Trees.write(path(name), content);
    }
    return this;
  }

  /** Every one of {@code more} as another name (a hard link) of {@code existing}. */
  TestTree link(String existing, String... more) {
    for (String name : more) {
      Trees.link(path(name), path(existing));
    }
    return this;
  }

  /** Sets the modification time of {@code names} to {@code epochSecond}. */
  TestTree mtime(long epochSecond, String... names) {
    for (String name : names) {
      Trees.mtime(path(name), epochSecond);
    }
    return this;
  }

  /** Sets the permission bits of {@code names}, e.g. {@code "rw-r--r--"}. */
  TestTree mode(String permissions, String... names) {
    for (String name : names) {
      Trees.mode(path(name), permissions);
    }
    return this;
  }

  /** Runs the command in process with {@code options}, the tree as its last argument. */
  Outcome run(Object... options) {
    List<Object> args = new ArrayList<>(List.of(options));
    args.add(root);
    return Outcome.main(tmp, args.toArray());
  }

  /** {@link #run} with other link operations than the system's: to inject a failure. */
  Outcome runWith(LinkOps ops, Object... options) {
    List<Object> args = new ArrayList<>(List.of(options));
    args.add(root);
    return Outcome.of(tmp, () -> CommandRun.withOps(ops, args.toArray()));
  }

  /** {@link #run}, which must exit 0 and print nothing on stderr. */
  Outcome runCleanly(Object... options) {
    Outcome o = run(options);
    o.run().assertCleanSuccess();
    return o;
  }
}
