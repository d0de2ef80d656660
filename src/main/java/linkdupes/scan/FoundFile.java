package linkdupes.scan;

import java.nio.file.Path;

/** A file met by the walk and kept aside from the table: its name, root index and size. */
public record FoundFile(Path path, int root, long size) {}
