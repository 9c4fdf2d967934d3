package io.des.coord;

import java.time.Duration;
import java.util.Optional;

/**
 * Progress of running jobs, so that a worker that dies is replaced by one that resumes. Saves are
 * fenced by the store itself: a save or delete with a token older than the stored checkpoint's is
 * refused atomically, so a paused worker that lost its lock cannot overwrite its successor's
 * progress. A token equal to the stored one is accepted (the same holder saving again).
 *
 * <p>A delete keeps the token, without the state, for a tombstone retention (default {@link
 * #DEFAULT_TOMBSTONE_RETENTION}), so a late save with an older token is still refused instead of
 * bringing a finished job's checkpoint back.
 */
public interface CheckpointStore {
  /** The largest state a store accepts unless configured otherwise: 4 MiB. */
  int DEFAULT_MAX_STATE_BYTES = 4 * 1024 * 1024;

  /** How long a deleted checkpoint's token is remembered unless configured otherwise. */
  Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(7);

  /** The job's last checkpoint, if any; empty after a delete. */
  Optional<Checkpoint> load(String jobId);

  /**
   * Saves the job's progress, replacing the previous checkpoint. Atomic: the checkpoint is either
   * the old one or the new one, never a mix.
   *
   * @throws FencedOutException if the stored checkpoint, or the tombstone of a deleted one, carries
   *     a larger token; the stored checkpoint is then unchanged
   * @throws IllegalArgumentException if the state is larger than {@link #maxStateBytes()}
   */
  void save(String jobId, long fence, byte[] state);

  /**
   * Removes the job's checkpoint (the job is done); removing an unknown job's leaves a tombstone.
   *
   * @throws FencedOutException if the stored checkpoint carries a larger token
   */
  void delete(String jobId, long fence);

  /** Largest state a checkpoint may hold; larger saves are refused with IllegalArgumentException. */
  int maxStateBytes();
}
