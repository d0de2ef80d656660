package linkdupes.base;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * Temporary names: a fixed prefix and a fixed number of random characters, so they fit wherever
 * the name they replace fits, and leftovers of a killed run are recognisable.
 */
public final class TemporaryNames {
  public static final String PREFIX = ".linkdupes.";
  static final int RANDOM_CHARS = 12;
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** Seeded once from the system's entropy; reading /dev/urandom per name was measurable. */
  private final SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());

  /** A fresh name; it is created exclusively, so a name that exists is never reused. */
  public String next() {
    StringBuilder b = new StringBuilder(PREFIX.length() + RANDOM_CHARS).append(PREFIX);
    for (int i = 0; i < RANDOM_CHARS; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /**
   * {@link #isTemporary(String)} of the name whose bytes are {@code name[from..to)}, without
   * decoding them: the prefix and the alphabet are ASCII, so the bytes of such a name are its
   * characters.
   */
  public static boolean isTemporary(byte[] name, int from, int to) {
    if (to - from != PREFIX.length() + RANDOM_CHARS) {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (name[from + i] != PREFIX.charAt(i)) {
        return false;
      }
    }
    for (int i = from + PREFIX.length(); i < to; i++) {
      if (ALPHABET.indexOf(name[i]) < 0) {
        return false;
      }
    }
    return true;
  }

  /** True for a name this tool makes, and only for such names. */
  public static boolean isTemporary(String name) {
    // such a name is ASCII: any other character fails as its UTF-8 bytes would
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return isTemporary(b, 0, b.length);
  }
}
