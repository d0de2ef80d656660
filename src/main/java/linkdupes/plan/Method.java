package linkdupes.plan;

/**
 * How duplicates are made to take the space of one: as names of one file, or as files of their
 * own sharing their blocks. Hard links make every name one inode, with one set of metadata and
 * in-place edits seen through every name; clones keep every file its own and need a file system
 * with copy-on-write extents (btrfs, XFS with reflinks, bcachefs, OpenZFS 2.2+).
 */
public enum Method {
  /** Every duplicate name becomes a hard link to the kept file. */
  HARDLINK("hardlink"),
  /** Every duplicate file shares the kept file's blocks ({@code FIDEDUPERANGE}). */
  CLONE("clone"),
  /** Clones on the devices that share blocks, hard links on the others. */
  AUTO("auto");

  private final String word;

  Method(String word) {
    this.word = word;
  }

  /** The word on the command line and in the reports. */
  public String word() {
    return word;
  }

  /** The method named by {@code word}, in any case, as {@code --format} takes its words. */
  public static Method of(String word) {
    for (Method m : values()) {
      if (m.word.equalsIgnoreCase(word.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown method '" + word
        + "' (expected hardlink, clone or auto)");
  }
}
