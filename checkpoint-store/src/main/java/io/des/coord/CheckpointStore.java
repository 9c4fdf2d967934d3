package io.des.coord;

import java.util.Optional;

/**
 * Progress of running jobs, so that a worker that dies is replaced by one that resumes. Saves are
 * fenced by the store itself: a save or delete with a token older than the stored checkpoint's is
 * refused atomically, so a paused worker that lost its lock cannot overwrite its successor's
 * progress.
 */
public interface CheckpointStore {

  /** The job's last checkpoint, if any. */
  Optional<Checkpoint> load(String jobId);

  /**
   * Saves the job's progress, replacing the previous checkpoint.
   *
   * @throws FencedOutException if the stored checkpoint carries a larger token
   */
  void save(String jobId, long fence, byte[] state);

  /**
   * Removes the job's checkpoint (the job is done).
   *
   * @throws FencedOutException if the stored checkpoint carries a larger token
   */
  void delete(String jobId, long fence);

  /** Largest state a checkpoint may hold; larger saves are refused with IllegalArgumentException. */
  int maxStateBytes();
}
