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
 * @param contentShared the file was a BigFile whose content was kept because other entries still
 *     referenced identical bytes when the record was written ({@code _bigFiles/<sha256>} is shared
 *     by content): the deleted file's entry is gone from every version and it can no longer be read,
 *     but its bytes exist as theirs (until they are deleted too). False for every inline file and for
 *     BigFile content that was deleted.
 */
public record ErasureRecord(
    ShardKey key,
    String uid,
    Instant deletedAt,
    String removedFrom,
    String removedBy,
    Instant removedAt,
    Instant purgedAt,
    boolean contentShared) {

  public ErasureRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(deletedAt, "deletedAt");
    Objects.requireNonNull(purgedAt, "purgedAt");
  }

  /** A record of a file whose bytes are gone ({@code contentShared} false). */
  public ErasureRecord(ShardKey key, String uid, Instant deletedAt, String removedFrom, String removedBy, Instant removedAt,
      Instant purgedAt) {
    this(key, uid, deletedAt, removedFrom, removedBy, removedAt, purgedAt, false);
  }
}
