package linkdupes;

import java.io.PrintStream;
import linkdupes.cli.Cli;
import linkdupes.fs.LinkOps;

/** Entry point: everything happens in {@link #run}, which tests call in process. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.run(args, out, err, LinkOps.SYSTEM);
  }
}
