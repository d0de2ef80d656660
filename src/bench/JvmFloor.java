import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The least a Java duplicate finder must do on a tree, and nothing else: walk it with
 * Files.walkFileTree, group the files by size, and open and read up to 8 KiB of every file
 * that shares its size, on THREADS threads (default 2). No hashing, no comparing, no report.
 * Its time, run with java and no flags, is a floor for any tool built this way on that tree:
 *
 *   javac -d /tmp/floor src/bench/JvmFloor.java
 *   src/bench/bench.py --tree /tmp/share --extra 'java-floor=java -cp /tmp/floor JvmFloor {dir}'
 */
public final class JvmFloor {
  private JvmFloor() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: java JvmFloor DIR [THREADS]");
      System.exit(2);
    }
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<Path> paths = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    Files.walkFileTree(Path.of(args[0]), new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          paths.add(file);
          sizes.add(attrs.size());
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    Map<Long, List<Path>> bySize = new HashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      bySize.computeIfAbsent(sizes.get(i), k -> new ArrayList<>()).add(paths.get(i));
    }
    List<Path> candidates = new ArrayList<>();
    for (List<Path> group : bySize.values()) {
      if (group.size() > 1) {
        candidates.addAll(group);
      }
    }
    Set<OpenOption> options = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    AtomicInteger next = new AtomicInteger();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] = new Thread(() -> {
        ByteBuffer buffer = ByteBuffer.allocateDirect(8192);
        for (int k; (k = next.getAndIncrement()) < candidates.size(); ) {
          try (FileChannel ch = FileChannel.open(candidates.get(k), options)) {
            buffer.clear();
            ch.read(buffer, 0);
          } catch (IOException e) {
            // a floor: a file that cannot be read is simply not read
          }
        }
      });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    System.out.println(paths.size() + " files, " + candidates.size() + " read");
  }
}
