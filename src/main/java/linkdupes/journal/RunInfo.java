package linkdupes.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One run as the journal keeps it.
 *
 * @param kind {@code link} (a run that linked or cloned), {@code undo} or {@code split}
 * @param finished null for a run that was killed (or is running)
 * @param options the command line's options, as given
 * @param undoes of an undo, the run it undid; else 0
 * @param names the names it recorded (of a link run, those it planned to replace)
 * @param done of those, the ones it is known to have changed
 * @param bytesFreed what it said it freed, where it finished
 */
public record RunInfo(long id, String kind, Instant started, Instant finished,
    List<Path> roots, String options, long undoes, long names, long done, long bytesFreed) {}
