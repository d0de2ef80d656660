import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import linkdupes.fs.FileStat;
import linkdupes.group.Inode;
import linkdupes.scan.FileTable;

/**
 * The heap a run holds per file, measured on a simulated walk of ROWS files (default 10
 * million) in 10,000 folders, with names like a camera's ("IMG_0001234.JPG", 15 bytes): the
 * walk's table (every file), then one {@code Inode} per file for the share of them that sit in
 * a size group with another (INODE_SHARE, default 0.5). Each figure is the heap in use after a
 * full collection, divided by the rows. Run on the distribution's runtime, as the launcher runs
 * linkdupes (-Xmx3g for 10 million rows):
 *
 *   mvn -q -B -DskipTests package && javac -cp target/linkdupes.jar -d /tmp/tf src/bench/TableFootprint.java
 *   target/dist/linkdupes-VERSION/runtime/bin/java -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -Xmx3g \
 *     --add-opens java.base/sun.nio.fs=ALL-UNNAMED -cp target/linkdupes.jar:/tmp/tf TableFootprint
 */
public final class TableFootprint {
  private TableFootprint() {}

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    double share = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
    SplittableRandom random = new SplittableRandom(1);
    long before = usedAfterGc();
    FileTable table = new FileTable();
    if (!table.keepsBytes()) {
      throw new IllegalStateException("run with --add-opens java.base/sun.nio.fs=ALL-UNNAMED");
    }
    int folders = 10_000;
    int[] dirs = new int[folders];
    for (int d = 0; d < folders; d++) {
      dirs[d] = table.directory(Path.of("/srv/photos/" + (2000 + d / 500) + "/" + d));
    }
    for (int r = 0; r < rows; r++) {
      int d = r % folders;
      byte[] all = ("/srv/photos/" + (2000 + d / 500) + "/" + d + "/IMG_"
          + String.format("%07d", r) + ".JPG").getBytes(StandardCharsets.UTF_8);
      FileStat st = new FileStat(2049, 1_000_000L + r, 1 + random.nextLong(20_000_000),
          1_600_000_000_000_000_000L + random.nextLong(1L << 50), 1_700_000_000_000_000_000L,
          0100644, 1000, 1000, 1);
      table.add(dirs[d], all, FileTable.nameStart(all), null, 0, st);
    }
    long withTable = usedAfterGc();
    List<Inode> inodes = new ArrayList<>();
    int grouped = (int) (rows * share);
    for (int r = 0; r < grouped; r++) {
      inodes.add(new Inode(table, r));
    }
    long withInodes = usedAfterGc();
    System.out.printf("rows %,d: the walk's table %.1f bytes per file (%,d MiB)%n", rows,
        (double) (withTable - before) / rows, (withTable - before) >> 20);
    System.out.printf("inodes of %,d files in size groups: %.1f bytes per such file, with its "
        + "list slot (%,d MiB)%n", grouped, (double) (withInodes - withTable) / grouped,
        (withInodes - withTable) >> 20);
    System.out.println(inodes.size() + table.rows() > 0 ? "" : "-"); // keeps both reachable
  }
}
