package linkdupes.link;

import java.nio.file.Path;
import java.util.List;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;

/** What became of one group: each name now linked and to which kept name, and the bytes freed. */
public record GroupResult(LinkGroup group, List<Link> linked, long bytesFreed) {

  /** A name replaced by a link to {@code kept}: the group's kept file, or a later one on EMLINK. */
  public record Link(Name name, Path kept) {}

  /** A dry run's result: everything as planned. */
  public static GroupResult planned(LinkGroup group) {
    Path kept = group.kept().firstName().path();
    List<Link> links = group.duplicates().stream()
        .flatMap(i -> i.names().stream())
        .map(n -> new Link(n, kept))
        .toList();
    return new GroupResult(group, links, group.bytesToFree());
  }
}
