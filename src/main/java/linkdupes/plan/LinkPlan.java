package linkdupes.plan;

import java.util.List;

/**
 * What a run will do: the groups to link, and the names left apart although their content has
 * a twin (other permission bits, owner or time under the policy; another device).
 */
public record LinkPlan(List<LinkGroup> groups, long leftOtherMetadata, long leftOtherDevice) {

  public long namesToLink() {
    return groups.stream().mapToLong(LinkGroup::namesToLink).sum();
  }

  public long bytesToFree() {
    return groups.stream().mapToLong(LinkGroup::bytesToFree).sum();
  }
}
