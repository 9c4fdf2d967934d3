package io.des.coord;

import java.util.List;
import java.util.Optional;

/**
 * Every job the coordinator published and what became of it. Job ids are deterministic (the same
 * files give the same id), so {@link #offer} is how a coordinator that restarts or takes over learns
 * that work is already pending, running or done, and does not publish it twice. Transitions are
 * atomic in the backend.
 */
public interface JobLedger {

  /**
   * Records a new job as PENDING.
   *
   * @return true if the job was unknown and is now recorded (the caller publishes it); false if the
   *     ledger already knows it, in any state
   */
  boolean offer(String jobId, String shardKey, long files, long bytes);

  /** Takes back an offer whose publish failed, so a later scan offers it again. Only from PENDING. */
  void withdraw(String jobId);

  /** PENDING or RUNNING (a redelivery) to RUNNING under {@code worker}. Unknown jobs are recorded. */
  void running(String jobId, String shardKey, long files, long bytes, String worker);

  /** To DONE, from any state; idempotent. */
  void done(String jobId, String detail);

  /** To FAILED with the cause, unless already DONE. */
  void failed(String jobId, String cause);

  Optional<JobRecord> get(String jobId);

  JobCounts counts();

  /** Up to {@code limit} jobs in the state, oldest first, for status pages. */
  List<JobRecord> list(JobState state, int limit);
}
