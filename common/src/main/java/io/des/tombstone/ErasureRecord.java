package io.des.tombstone;

import io.des.routing.ShardKey;
import java.time.Instant;
import java.util.Objects;

/**
 * Proof that a tombstoned file's bytes are gone: which repack wrote the shard version without it,
 * when that version went live, and when the last old version holding the bytes was deleted (and
 * checked to be gone).
 *
 * @param removedBy the shard version that replaced the one holding the file ({@code ..._Rnnn.des}),
 *     or null when no live shard held the file any more when the tombstone was processed
 * @param removedFrom the shard version that held the file, or null
 */
public record ErasureRecord(
    ShardKey key,
    String uid,
    Instant deletedAt,
    String removedFrom,
    String removedBy,
    Instant removedAt,
    Instant purgedAt) {

  public ErasureRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(deletedAt, "deletedAt");
    Objects.requireNonNull(purgedAt, "purgedAt");
  }
}
