package linkdupes.link;

import java.util.List;
import linkdupes.group.Name;
import linkdupes.plan.LinkGroup;

/** What became of one group: the names now linked to the kept file, and the bytes freed. */
public record GroupResult(LinkGroup group, List<Name> linked, long bytesFreed) {

  /** A dry run's result: everything as planned. */
  public static GroupResult planned(LinkGroup group) {
    List<Name> names = group.duplicates().stream().flatMap(i -> i.names().stream()).toList();
    return new GroupResult(group, names, group.bytesToFree());
  }
}
