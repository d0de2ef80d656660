package linkdupes.pipeline;

import java.util.Locale;

/** What the report on standard output is written as: text for people, JSON or CSV for programs. */
public enum Format {
  TEXT, JSON, CSV;

  /** The name as typed on the command line: {@code text}, {@code json}, {@code csv}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format named by {@code word}, in any case; else an exception that lists the names. */
  public static Format of(String word) {
    for (Format f : values()) {
      if (f.word().equalsIgnoreCase(word.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("expected text, json or csv, not '" + word + "'");
  }
}
