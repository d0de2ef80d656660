/**
 * How large the JVM's default collector lets a process grow when it only makes short-lived
 * garbage: LIVE MiB held for the whole run (default 0) and GARBAGE MiB of 48-byte arrays
 * dropped at once. Run with java and no flags, under /usr/bin/time, to see the peak resident
 * memory a default JVM reaches on this machine whatever the program keeps:
 *
 *   javac -d /tmp/floor src/bench/G1Garbage.java
 *   /usr/bin/time -f '%M KiB' java -cp /tmp/floor G1Garbage 3000 0
 */
public final class G1Garbage {
  private G1Garbage() {}

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: java G1Garbage GARBAGE_MIB [LIVE_MIB]");
      System.exit(2);
    }
    long garbage = Long.parseLong(args[0]) << 20;
    long live = args.length > 1 ? Long.parseLong(args[1]) << 20 : 0;
    Object[] kept = new Object[(int) (live / 4096)];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = new byte[4096];
    }
    long sum = 0;
    byte[] last = null;
    // each array takes 64 bytes of heap with its header
    for (long made = 0, i = 0; made < garbage; made += 64, i++) {
      byte[] b = new byte[48];
      b[0] = (byte) i;
      sum += b[0];
      if ((i & 0xfffff) == 0) {
        last = b; // one in a million lives a little longer, so the loop is not optimized away
      }
    }
    System.out.println(sum + " " + kept.length + " " + (last == null ? 0 : last[0]));
  }
}
