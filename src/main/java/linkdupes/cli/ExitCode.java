package linkdupes.cli;

/** The exit codes, named in one place. */
public final class ExitCode {
  /** Everything was done. */
  public static final int OK = 0;
  /** Some files could not be read or linked; each was named on stderr, the rest was done. */
  public static final int SOME_FAILED = 1;
  /** Bad usage: the command line could not be understood. */
  public static final int USAGE = 2;
  /** Another run holds the cache (and --wait was not given); nothing was done. */
  public static final int LOCKED = 3;

  private ExitCode() {}
}
