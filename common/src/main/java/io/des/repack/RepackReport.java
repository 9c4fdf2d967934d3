package io.des.repack;

import io.des.routing.ShardKey;
import java.util.List;

/** What a run on one key did: the purge first, then each shard repacked. */
public record RepackReport(ShardKey key, List<ShardRepack> repacked, PurgeReport purged) {

  public RepackReport {
    repacked = List.copyOf(repacked);
  }

  /**
   * Bytes the repacked live versions are smaller than the ones they replace. The old versions hold
   * their bytes until they are purged, after the grace period.
   */
  public long spaceSavedBytes() {
    return repacked.stream().mapToLong(r -> r.bytesBefore() - r.bytesAfter()).sum();
  }
}
