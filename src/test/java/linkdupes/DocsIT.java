package linkdupes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import linkdupes.cli.Cli;
import linkdupes.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man page and the shell completion that {@code mvn package} writes beside the jar, checked
 * against the picocli model the command line is parsed with (after {@code package}, by
 * failsafe).
 */
class DocsIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Path MAN_PAGE = TARGET.resolve("linkdupes.1");
  private static final Path COMPLETION = TARGET.resolve("linkdupes_completion");

  private static CommandSpec spec() {
    return Cli.commandLine(System.out, System.err).getCommandSpec();
  }

  /** A name as roff wants it written: hyphens escaped. */
  private static String roff(String s) {
    return s.replace("-", "\\-");
  }

  /** The lines of a man page section: from its .SH line to the next one. */
  private static List<String> section(List<String> page, String heading) {
    int start = page.indexOf(".SH " + heading);
    assertTrue(start >= 0, "the man page has a " + heading + " section");
    List<String> lines = new ArrayList<>();
    for (String line : page.subList(start + 1, page.size())) {
      if (line.startsWith(".SH ")) {
        break;
      }
      lines.add(line);
    }
    return lines;
  }

  private static List<String> manPage() throws Exception {
    assertTrue(Files.isRegularFile(MAN_PAGE), MAN_PAGE + " was written by package");
    return Files.readAllLines(MAN_PAGE);
  }

  @Test
  void theManPageHasItsHeaderAndName() throws Exception {
    List<String> page = manPage();
    String header = page.stream().filter(l -> !l.startsWith(".\\\"")).findFirst().orElse("");
    assertTrue(header.startsWith(".TH LINKDUPES 1 "), header);
    List<String> name = section(page, "NAME");
    assertTrue(name.get(0).startsWith("linkdupes \\- "), name.toString());
    assertEquals("linkdupes", spec().name());
  }

  @Test
  void theManPageDocumentsEveryOptionOfTheCommand() throws Exception {
    String options = String.join("\n", section(manPage(), "OPTIONS"));
    List<OptionSpec> specOptions = spec().options();
    assertTrue(specOptions.size() > 20, "the model has the command's options");
    for (OptionSpec option : specOptions) {
      for (String name : option.names()) {
        assertTrue(options.contains("\\fB" + roff(name) + "\\fR"), name + " is in OPTIONS");
      }
      if (option.arity().max() > 0) {
        assertTrue(options.contains("\\fI" + roff(option.paramLabel()) + "\\fR"),
            option.longestName() + "'s " + option.paramLabel() + " is in OPTIONS");
      }
      String firstWords = option.description()[0].split(" ")[0];
      assertTrue(options.contains(roff(firstWords)), option.longestName() + "'s description");
    }
  }

  @Test
  void theManPageListsEveryExitCodeAndTheCache() throws Exception {
    List<String> page = manPage();
    String exitStatus = String.join("\n", section(page, "EXIT STATUS"));
    List<Integer> codes = new ArrayList<>();
    for (Field f : ExitCode.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        codes.add(f.getInt(null));
      }
    }
    assertEquals(List.of(0, 1, 2, 3), codes.stream().sorted().toList());
    for (int code : codes) {
      assertTrue(exitStatus.contains(".TP\n\\fB" + code + "\\fR\n"), "exit code " + code);
    }
    String files = String.join("\n", section(page, "FILES"));
    assertTrue(files.contains("$XDG_CACHE_HOME/linkdupes/cache.db"), files);
    section(page, "SYNOPSIS");
    section(page, "EXAMPLES");
  }

  @Test
  void theManPageRendersWithoutWarningsWhereGroffIsInstalled() throws Exception {
    CommandRun which = Subprocess.bash("command -v groff").run();
    assumeTrue(which.exitCode() == 0, "groff is not installed");
    CommandRun run = Subprocess.of("groff", "-man", "-ww", "-z", MAN_PAGE.toString()).run();
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("", run.err());
  }

  @Test
  void theCompletionIsValidBashAndOffersEveryLongOption() throws Exception {
    assertTrue(Files.isRegularFile(COMPLETION), COMPLETION + " was written by package");
    String script = Files.readString(COMPLETION);
    Set<String> longNames = spec().options().stream()
        .flatMap(o -> List.of(o.names()).stream())
        .filter(n -> n.startsWith("--"))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    assertTrue(longNames.contains("--dry-run") && longNames.contains("--min-age"), "" + longNames);
    for (String name : longNames) {
      assertTrue(script.contains(name), name + " is in the completion script");
    }
    CommandRun syntax = Subprocess.of("bash", "-n", COMPLETION.toString()).run();
    assertEquals(0, syntax.exitCode(), syntax.err());
  }

  @Test
  void theCompletionCompletesALongOptionInBash() throws Exception {
    String script = """
        source "$1" 2>/dev/null
        complete -p linkdupes >/dev/null || exit 9
        COMP_LINE="linkdupes --keep-"; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(linkdupes --keep-); COMP_CWORD=1
        _complete_linkdupes linkdupes --keep- linkdupes 2>/dev/null
        printf '%s\\n' "${COMPREPLY[@]}"
        """;
    CommandRun run = Subprocess.bash(script, COMPLETION.toString()).run();
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(Set.of("--keep-oldest", "--keep-newest"),
        Set.copyOf(run.out().lines().toList()), run.out());
  }

  /** The subcommands: in the man page with their own options, and offered by the completion. */
  @Test
  void theManPageAndTheCompletionHaveEverySubcommandAndItsOptions() throws Exception {
    List<String> commands = section(manPage(), "COMMANDS");
    List<String> synopsis = section(manPage(), "SYNOPSIS");
    for (var sub : spec().subcommands().values()) {
      String name = sub.getCommandName();
      assertTrue(commands.contains(".SS " + name), name + " has a section: " + commands);
      assertTrue(synopsis.contains(".B linkdupes " + name), name + " in the synopsis");
      for (var o : sub.getCommandSpec().options()) {
        if (!o.usageHelp()) {
          assertTrue(commands.stream().anyMatch(l -> l.contains("\\fB" + roff(o.longestName())
              + "\\fR")), name + " " + o.longestName() + " is documented");
        }
      }
    }
    String script = """
        source "$1" 2>/dev/null
        COMP_LINE="linkdupes "; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(linkdupes ""); COMP_CWORD=1
        _complete_linkdupes linkdupes "" linkdupes 2>/dev/null
        printf '%s\\n' "${COMPREPLY[@]}"
        """;
    CommandRun run = Subprocess.bash(script, COMPLETION.toString()).run();
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().lines().toList().containsAll(List.of("journal", "undo", "split")),
        run.out());
  }

  /** The values offered are the words the help and the README use, not the constants. */
  @ParameterizedTest
  @CsvSource({"--method, hardlink clone auto", "--format, text json csv"})
  void theCompletionOffersTheValuesAsTyped(String option, String words) throws Exception {
    String script = """
        source "$1" 2>/dev/null
        COMP_LINE="linkdupes $2 "; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(linkdupes "$2" ""); COMP_CWORD=2
        _complete_linkdupes linkdupes "" "$2" 2>/dev/null
        printf '%s\\n' "${COMPREPLY[@]}"
        """;
    CommandRun run = Subprocess.bash(script, COMPLETION.toString(), option).run();
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(Set.of(words.split(" ")), Set.copyOf(run.out().lines().toList()), run.out());
  }
}
