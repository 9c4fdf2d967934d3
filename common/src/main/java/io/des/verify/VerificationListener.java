package io.des.verify;

import io.des.format.IndexEntry;
import io.des.format.ShardVerifier;

/**
 * Told what a {@link BulkVerifier} finds, as it finds it: for a progress line or metrics. Called from
 * the verifying threads, concurrently (implementations must be thread-safe) and without blocking the
 * listing for long.
 */
public interface VerificationListener extends ShardVerifier.EntryListener {
  VerificationListener NONE = new VerificationListener() {};

  /** A shard to check was found (the listing runs ahead of the checks by at most the parallelism). */
  default void shardFound(String shard, long size) {}

  @Override
  default void entryChecked(String shard, IndexEntry entry, ShardVerifier.Problem problem) {}

  /**
   * A shard listed as live was missing from the store and its catalog no longer lists it: retired
   * (and deleted) while the run went on, so not checked, counted nor recorded.
   */
  default void shardRetired(String shard) {}

  /** A shard was checked (and its result recorded, when recording). */
  default void shardChecked(ShardVerifier.Result result) {}
}
