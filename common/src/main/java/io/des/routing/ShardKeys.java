package io.des.routing;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * Routes many files with one router, keeping the shard keys met so far by date and shard index: a
 * file routes to its key without building and validating the key's strings again. For planners
 * that route a whole batch (100,000 files fall into a few thousand keys). Not thread-safe.
 */
public final class ShardKeys {
  private final Router router;
  private final Map<LocalDate, ShardKey[]> byDate = new HashMap<>();

  public ShardKeys(Router router) {
    this.router = router;
  }

  /** {@link Router#route(String, LocalDate)}, the same key object for every file of the key. */
  public ShardKey route(String uid, LocalDate date) {
    ShardKey[] day = byDate.computeIfAbsent(date, d -> new ShardKey[router.shardCount()]);
    int index = router.shardIndex(uid);
    ShardKey key = day[index];
    if (key == null) {
      key = router.route(uid, date);
      day[index] = key;
    }
    return key;
  }

  /** {@link Router#route(String, CreatedAt)}. */
  public ShardKey route(String uid, CreatedAt createdAt) {
    return route(uid, createdAt.routingDate());
  }
}
