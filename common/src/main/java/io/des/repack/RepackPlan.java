package io.des.repack;

import io.des.catalog.RetiredShard;
import io.des.routing.ShardKey;
import java.util.List;

/**
 * What a run on a key would do, read without changing anything.
 *
 * @param shards live shards holding tombstoned entries
 * @param purgeDue retired versions whose grace period is over
 * @param purgeLater retired versions still in their grace period
 * @param orphansDue shard files of the key that no catalog lists, older than the grace period: the
 *     purge deletes them
 */
public record RepackPlan(ShardKey key, List<ShardPlan> shards, List<RetiredShard> purgeDue, List<RetiredShard> purgeLater,
    List<String> orphansDue) {

  public RepackPlan {
    shards = List.copyOf(shards);
    purgeDue = List.copyOf(purgeDue);
    purgeLater = List.copyOf(purgeLater);
    orphansDue = List.copyOf(orphansDue);
  }

  public boolean nothingToDo() {
    return shards.isEmpty() && purgeDue.isEmpty() && orphansDue.isEmpty();
  }
}
