package io.des.repack;

/**
 * A live shard that holds tombstoned entries.
 *
 * @param bytes the shard's size
 * @param tombstonedBytes stored bytes of its tombstoned inline entries (BigFile entries count 0:
 *     their content is not in the shard)
 */
public record ShardPlan(String shard, long entries, long tombstoned, long bytes, long tombstonedBytes) {

  /** The share of the shard's entries that are deleted, 0 to 1 (upstream's {@code deletion_ratio}). */
  public double deletedRatio() {
    return entries == 0 ? 0 : (double) tombstoned / entries;
  }

  /** The share of the shard's bytes a repack would drop, 0 to 1. */
  public double deletedBytesRatio() {
    return bytes == 0 ? 0 : (double) tombstonedBytes / bytes;
  }
}
