package io.des.repack;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import io.des.format.IndexEntry;
import io.des.routing.ShardKey;
import io.des.storage.StorageException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Healthy copies from replicas of the archive (the zones' other locations): the entry's uid is
 * looked up in the same shard key of each replica in turn, and the first copy that decodes and
 * matches its checksum is returned. A replica that is down, lacks the file or holds it corrupt too
 * is skipped; the repacker checks the returned content against the entry again.
 */
public final class ReplicaRepairSource implements RepairSource {
  private final List<Archive> replicas;

  public ReplicaRepairSource(List<Archive> replicas) {
    this.replicas = List.copyOf(replicas);
  }

  @Override
  public Optional<byte[]> content(ShardKey key, IndexEntry entry) throws IOException {
    for (Archive replica : replicas) {
      try {
        Optional<Archive.Located> found = replica.locateIn(key, entry.uid());
        if (found.isPresent()) {
          return Optional.of(found.get().shard().read(entry.uid())); // decoded and checksum-checked
        }
      } catch (CorruptShardException | StorageException unusable) {
        // corrupt there too, or the replica is unreachable: try the next one
      }
    }
    return Optional.empty();
  }
}
