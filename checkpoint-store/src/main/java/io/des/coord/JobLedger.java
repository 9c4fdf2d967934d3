package io.des.coord;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every job the coordinator published and what became of it. Job ids are deterministic (the same
 * files give the same id), so {@link #offer} is how a coordinator that restarts or takes over learns
 * that work is already pending, running or done, and does not publish it twice. Transitions are
 * atomic in the backend, and {@link #counts()} moves with them.
 *
 * <p>DONE and FAILED records are kept for a retention (default {@link #DEFAULT_RETENTION}) after
 * they reached that state, then forgotten: they leave {@link #get}, {@link #list} and {@link
 * #counts()}, and a later {@link #offer} of the same id records it anew.
 */
public interface JobLedger {
  /** How long DONE and FAILED records are kept unless configured otherwise. */
  Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /**
   * Records a job as PENDING if the ledger does not know it, or knows it DONE: a coordinator that
   * sees a done job's files again in its source is looking at files dropped again after their job
   * marked them (sources are marked before a job is recorded DONE), and they must be run again to
   * be marked (packing them again finds them packed and adds nothing).
   *
   * @return true if the job is now PENDING by this call (the caller publishes it); false if it is
   *     PENDING, RUNNING or FAILED already
   */
  boolean offer(String jobId, String shardKey, long files, long bytes);

  /** A job to {@link #offerAll offer}, with the arguments of {@link #offer}. */
  record Offer(String jobId, String shardKey, long files, long bytes) {}

  /**
   * {@link #offer} of each job, in order, in as few round trips as the backend allows (a scan
   * offers one job per shard key: thousands when a backlog arrives). Each offer is atomic on its
   * own; the whole list is not a transaction.
   *
   * @return for each offer, whether the caller publishes it
   */
  default List<Boolean> offerAll(List<Offer> offers) {
    return offers.stream().map(o -> offer(o.jobId(), o.shardKey(), o.files(), o.bytes())).toList();
  }

  /**
   * Takes back an offer whose publish failed, so a later scan offers it again. Only from PENDING:
   * in any other state, or for an unknown job, nothing changes.
   */
  void withdraw(String jobId);

  /**
   * Forgets a FAILED job, so that the next scan that finds its work still to do offers it anew (an
   * operator's retry once the cause is fixed; its files were never marked, so they are still in the
   * source). Only from FAILED: in any other state, or for an unknown job, nothing changes.
   *
   * @return true if the job was FAILED and is now forgotten
   */
  boolean forgetFailed(String jobId);

  /**
   * PENDING or RUNNING (a redelivery) to RUNNING under {@code worker}; FAILED to RUNNING too (a
   * retry). Unknown jobs are recorded. A DONE job stays DONE: check {@link #get} to skip it.
   *
   * @return the state before this call, atomically, or null if the job was unknown: exactly one
   *     caller sees PENDING, the one that starts the job's first run
   */
  JobState running(String jobId, String shardKey, long files, long bytes, String worker);

  /**
   * To DONE, from any state; idempotent (a second call changes nothing). An unknown job is recorded
   * as DONE with an empty shard key and zero files and bytes.
   */
  void done(String jobId, String detail);

  /** To FAILED with the cause, unless already DONE. An unknown job is recorded as for {@link #done}. */
  void failed(String jobId, String cause);

  Optional<JobRecord> get(String jobId);

  JobCounts counts();

  /** Up to {@code limit} jobs in the state, oldest first (by when they entered it), for status pages. */
  List<JobRecord> list(JobState state, int limit);
}
