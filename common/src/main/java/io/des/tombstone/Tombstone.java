package io.des.tombstone;

import io.des.routing.ShardKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A deleted file. It hides {@code uid} in its shard key, so for every {@code created_at} of the
 * key's day, not only the one given (upstream matched the exact timestamp and leaked the file for any
 * other time of the day). Written once and never changed; what happened to the bytes afterwards is
 * an {@link ErasureRecord}.
 *
 * @param createdAt the {@code created_at} the deleter gave, as given
 * @param eraseBy when the file's bytes must be gone from every object of the store
 */
public record Tombstone(
    ShardKey key,
    String uid,
    String createdAt,
    Instant deletedAt,
    String deletedBy,
    DeletionReason reason,
    String ticketId,
    Instant eraseBy) {

  public Tombstone {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(deletedAt, "deletedAt");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(eraseBy, "eraseBy");
    if (deletedBy == null || deletedBy.isBlank()) {
      throw new IllegalArgumentException("deleted_by is required");
    }
    if (eraseBy.isBefore(deletedAt)) {
      throw new IllegalArgumentException("erase_by " + eraseBy + " is before deleted_at " + deletedAt);
    }
  }

  /** The name of this tombstone's blob within its key's folder: the SHA-256 of the uid. */
  public String uidHash() {
    return TombstoneStore.uidHash(uid);
  }
}
