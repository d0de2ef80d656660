package linkdupes.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine;

/**
 * Writes the man page, {@code linkdupes.1} in roff, from the command's picocli model, so that
 * its options and exit codes are the ones the command line parses and {@code --help} shows;
 * and from the same model the bash/zsh completion (picocli's {@code AutoComplete}) and, when
 * picocli-codegen is on the class path, the AsciiDoc of its {@code ManPageGenerator}. Run at
 * package time: {@code java linkdupes.cli.ManPage target/linkdupes.1
 * target/linkdupes_completion [target/linkdupes.adoc]}. (Asciidoctor, which would turn the
 * AsciiDoc into roff, needs a newer Maven than the build supports; the roff needs nothing but
 * picocli.)
 */
public final class ManPage {
  private ManPage() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: ManPage MAN-FILE COMPLETION-FILE [ADOC-FILE]");
      System.exit(2);
    }
    CommandLine commandLine = Cli.commandLine(System.out, System.err);
    CommandSpec spec = commandLine.getCommandSpec();
    Files.writeString(Path.of(args[0]), roff(spec), StandardCharsets.UTF_8);
    Files.writeString(Path.of(args[1]), AutoComplete.bash(spec.name(), commandLine),
        StandardCharsets.UTF_8);
    if (args.length == 3) {
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(args[2])))) {
        Class.forName("picocli.codegen.docgen.manpage.ManPageGenerator")
            .getMethod("writeSingleManPage", PrintWriter.class, CommandSpec.class)
            .invoke(null, w, spec);
      } catch (ReflectiveOperationException e) {
        throw new IOException("cannot write " + args[2] + ": " + e, e);
      }
    }
  }

  /** The whole man page. */
  static String roff(CommandSpec spec) {
    StringBuilder r = new StringBuilder();
    header(r, spec);
    options(r, spec);
    commands(r, spec);
    exitStatus(r, spec);
    environmentAndFiles(r);
    examples(r, spec.name());
    r.append(".SH SEE ALSO\n\\fBln\\fR(1), \\fBlink\\fR(2)\n");
    return r.toString();
  }

  /** The title, NAME, SYNOPSIS and DESCRIPTION. */
  private static void header(StringBuilder r, CommandSpec spec) {
    String name = spec.name();
    String version = spec.version().length > 0 ? spec.version()[0] : name;
    r.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"")
        .append(escape(version)).append("\" \"User Commands\"\n");

    r.append(".SH NAME\n").append(name)
        .append(" \\- replace files with identical content by hard links to one kept copy\n");

    r.append(".SH SYNOPSIS\n.B ").append(name).append('\n');
    for (PositionalParamSpec p : spec.positionalParameters()) {
      r.append("[\\fIOPTION\\fR]... \\fI").append(escape(p.paramLabel())).append("\\fR");
      r.append(p.arity().max() > 1 ? "...\n" : "\n");
    }
    for (CommandLine sub : spec.subcommands().values()) {
      r.append(".br\n.B ").append(name).append(' ').append(escape(sub.getCommandName()))
          .append("\n[\\fIOPTION\\fR]...");
      for (PositionalParamSpec p : sub.getCommandSpec().positionalParameters()) {
        boolean optional = p.arity().min() == 0;
        r.append(' ').append(optional ? "[" : "").append("\\fI").append(escape(p.paramLabel()))
            .append("\\fR").append(p.arity().max() > 1 ? "..." : "").append(optional ? "]" : "");
      }
      r.append('\n');
    }

    r.append(".SH DESCRIPTION\n");
    for (String line : spec.usageMessage().description()) {
      r.append(text(line)).append('\n');
    }
    r.append(".PP\n").append(text("Only regular files count: symlinks, FIFOs, sockets and "
        + "devices are left alone. Two files are linked only when they are on the same device "
        + "and have the same size and the same bytes, and, unless told otherwise, the same "
        + "permission bits and owner.")).append('\n');
  }

  /** OPTIONS and ARGUMENTS, as the command line parses them. */
  private static void options(StringBuilder r, CommandSpec spec) {
    r.append(".SH OPTIONS\n");
    for (OptionSpec o : spec.options()) {
      r.append(".TP\n");
      List<String> names = List.of(o.names());
      for (int i = 0; i < names.size(); i++) {
        r.append(i == 0 ? "" : ", ").append("\\fB").append(escape(names.get(i))).append("\\fR");
      }
      if (o.arity().max() > 0) {
        r.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
      }
      r.append('\n').append(text(description(o.description(), o.defaultValue()))).append('\n');
    }

    r.append(".SH ARGUMENTS\n");
    for (PositionalParamSpec p : spec.positionalParameters()) {
      r.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR")
          .append(p.arity().max() > 1 ? "...\n" : "\n")
          .append(text(description(p.description(), p.defaultValue()))).append('\n');
    }
  }

  /** COMMANDS: each subcommand, what it does, and its own options and arguments. */
  private static void commands(StringBuilder r, CommandSpec spec) {
    r.append(".SH COMMANDS\n").append(text(String.join(" ", spec.usageMessage().footer())))
        .append('\n');
    for (CommandLine sub : spec.subcommands().values()) {
      CommandSpec s = sub.getCommandSpec();
      r.append(".SS ").append(escape(sub.getCommandName())).append('\n');
      for (String line : s.usageMessage().description()) {
        r.append(text(line)).append('\n');
      }
      for (PositionalParamSpec p : s.positionalParameters()) {
        r.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR")
            .append(p.arity().max() > 1 ? "...\n" : "\n")
            .append(text(description(p.description(), p.defaultValue()))).append('\n');
      }
      for (OptionSpec o : s.options()) {
        if (o.usageHelp()) {
          continue;
        }
        r.append(".TP\n");
        List<String> names = List.of(o.names());
        for (int i = 0; i < names.size(); i++) {
          r.append(i == 0 ? "" : ", ").append("\\fB").append(escape(names.get(i)))
              .append("\\fR");
        }
        if (o.arity().max() > 0) {
          r.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
        }
        r.append('\n').append(text(description(o.description(), o.defaultValue())))
            .append('\n');
      }
    }
  }

  private static void exitStatus(StringBuilder r, CommandSpec spec) {
    r.append(".SH EXIT STATUS\n");
    for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
      r.append(".TP\n\\fB").append(escape(e.getKey().strip())).append("\\fR\n")
          .append(text(capitalized(e.getValue()) + ".")).append('\n');
    }
  }

  private static void environmentAndFiles(StringBuilder r) {
    r.append(".SH ENVIRONMENT\n")
        .append(".TP\n\\fBXDG_CACHE_HOME\\fR\n")
        .append("Where the cache is kept when \\fB\\-\\-cache\\fR is not given (see FILES).\n")
        .append(".TP\n\\fBLINKDUPES_JAVA_OPTS\\fR\n")
        .append("JVM settings added by the \\fBlinkdupes\\fR launcher script.\n")
        .append(".TP\n\\fBJAVA_HOME\\fR\n")
        .append("The JVM the launcher script runs.\n");

    r.append(".SH FILES\n")
        .append(".TP\n\\fI$XDG_CACHE_HOME/linkdupes/cache.db\\fR, else "
            + "\\fI~/.cache/linkdupes/cache.db\\fR\n")
        .append(text("The hash cache: an SQLite database with the digests of the files read, "
            + "so that later runs read only files that changed.")).append(' ')
        .append("Another file is chosen with \\fB\\-\\-cache\\fR; \\fB\\-\\-no\\-cache\\fR "
            + "uses none.\n")
        .append(".TP\n\\fIjournal.db\\fR beside the cache\n")
        .append(text("The journal: every name a run replaced, with what it was, so that "
            + "'linkdupes undo' can take the run back.")).append(' ')
        .append("Another file is chosen with \\fB\\-\\-journal\\fR; "
            + "\\fB\\-\\-no\\-journal\\fR keeps none.\n");
  }

  private static void examples(StringBuilder r, String name) {
    r.append(".SH EXAMPLES\n");
    example(r, "See what would be linked under a folder, changing nothing:",
        name + " --dry-run ~/Pictures");
    example(r, "Link the duplicates found across two trees, listing every group:",
        name + " -v ~/Music ~/Downloads/torrents");
    example(r, "Skip temporary files, version-control folders and files under 4 KiB:",
        name + " -x '*.tmp' -x .git -s 4k ~/src");
    example(r, "A nightly run from cron that prints only when something failed:",
        name + " -q --summary --min-age 1d /srv/backups");
    example(r, "On btrfs or XFS, let a music library and the torrents it seeds share their "
        + "blocks, each file its own, so that retagging one copy later leaves the other as it "
        + "is:",
        name + " --method clone /srv/music /srv/torrents");
    example(r, "List the runs the journal holds, then take the last one back:",
        name + " journal\n" + name + " undo 12");
    example(r, "Give one file its own copy again before editing it in place:",
        name + " split ~/Music/Artist/01.flac");
  }

  private static void example(StringBuilder r, String what, String command) {
    r.append(".PP\n").append(text(what)).append("\n.PP\n.RS 4\n.nf\n")
        .append(escape(command)).append("\n.fi\n.RE\n");
  }

  /** A description as picocli's help shows it: its lines joined, the default filled in. */
  private static String description(String[] lines, String defaultValue) {
    return String.join(" ", lines).replace("${DEFAULT-VALUE}", String.valueOf(defaultValue));
  }

  private static String capitalized(String s) {
    s = s.strip();
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Text for a line of its own: escaped, and never read as a request. */
  private static String text(String s) {
    String e = escape(s);
    return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
  }

  /** Backslashes and hyphens as roff wants them (a plain '-' may print as a hyphen). */
  static String escape(String s) {
    return s.replace("\\", "\\e").replace("-", "\\-");
  }
}
