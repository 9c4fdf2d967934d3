package io.des.catalog;

/** A shard version that readers use, as the catalog records it. */
public record LiveShard(String name, long size, long entries) {
  public LiveShard {
    if (ShardName.parse(name).isEmpty()) {
      throw new IllegalArgumentException("Not a shard name: " + name);
    }
  }

  public ShardName shardName() {
    return ShardName.parse(name).orElseThrow();
  }
}
