package io.des.coord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link JobLedger} in memory, for one JVM: gone when the process ends. Each state keeps its jobs in
 * the order they entered it; DONE and FAILED records past the retention are forgotten at the start
 * of every call.
 */
public final class LocalJobLedger implements JobLedger {
  private static final int JOBS = 0;
  private static final int FILES = 1;
  private static final int BYTES = 2;

  private final Duration retention;
  private final Clock clock;
  private final Map<String, JobRecord> jobs = new HashMap<>();
  private final Map<JobState, LinkedHashMap<String, JobRecord>> byState = new EnumMap<>(JobState.class);
  private final Map<JobState, long[]> totals = new EnumMap<>(JobState.class);

  public LocalJobLedger() {
    this(DEFAULT_RETENTION, Clock.systemUTC());
  }

  /** A ledger that keeps DONE and FAILED records for {@code retention} by {@code clock}. */
  public LocalJobLedger(Duration retention, Clock clock) {
    JobLedgerRules.checkRetention(retention);
    this.retention = retention;
    this.clock = clock;
    for (JobState state : JobState.values()) {
      byState.put(state, new LinkedHashMap<>());
      totals.put(state, new long[3]);
    }
  }

  @Override
  public synchronized boolean offer(String jobId, String shardKey, long files, long bytes) {
    JobLedgerRules.checkJob(jobId, shardKey, files, bytes);
    Instant now = forgetOld();
    JobRecord known = jobs.get(jobId);
    if (known != null && known.state() != JobState.DONE) {
      return false;
    }
    leave(known);
    enter(new JobRecord(jobId, shardKey, JobState.PENDING, files, bytes, "", "", now));
    return true;
  }

  @Override
  public synchronized void withdraw(String jobId) {
    forgetIn(jobId, JobState.PENDING);
  }

  @Override
  public synchronized boolean forgetFailed(String jobId) {
    return forgetIn(jobId, JobState.FAILED);
  }

  private boolean forgetIn(String jobId, JobState state) {
    JobLedgerRules.checkId(jobId);
    forgetOld();
    JobRecord job = jobs.get(jobId);
    if (job != null && job.state() == state) {
      leave(job);
      return true;
    }
    return false;
  }

  @Override
  public synchronized JobState running(String jobId, String shardKey, long files, long bytes, String worker) {
    JobLedgerRules.checkJob(jobId, shardKey, files, bytes);
    JobLedgerRules.checkWorker(jobId, worker);
    Instant now = forgetOld();
    JobRecord job = jobs.get(jobId);
    if (job != null && job.state() == JobState.DONE) {
      return JobState.DONE;
    }
    leave(job);
    enter(new JobRecord(jobId, shardKey, JobState.RUNNING, files, bytes, worker, "", now));
    return job == null ? null : job.state();
  }

  @Override
  public synchronized void done(String jobId, String detail) {
    settle(jobId, JobState.DONE, detail);
  }

  @Override
  public synchronized void failed(String jobId, String cause) {
    settle(jobId, JobState.FAILED, cause);
  }

  @Override
  public synchronized Optional<JobRecord> get(String jobId) {
    JobLedgerRules.checkId(jobId);
    forgetOld();
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public synchronized JobCounts counts() {
    forgetOld();
    long[] p = totals.get(JobState.PENDING);
    long[] r = totals.get(JobState.RUNNING);
    long[] d = totals.get(JobState.DONE);
    long[] f = totals.get(JobState.FAILED);
    return new JobCounts(p[JOBS], r[JOBS], d[JOBS], f[JOBS], p[FILES], r[FILES], d[FILES], f[FILES],
        p[BYTES], r[BYTES], d[BYTES], f[BYTES]);
  }

  @Override
  public synchronized List<JobRecord> list(JobState state, int limit) {
    JobLedgerRules.checkLimit(limit);
    forgetOld();
    return byState.get(state).values().stream().limit(limit).toList();
  }

  private void settle(String jobId, JobState state, String detail) {
    JobLedgerRules.checkId(jobId);
    Instant now = forgetOld();
    JobRecord job = jobs.get(jobId);
    if (job != null && job.state() == JobState.DONE) {
      return;
    }
    JobRecord settled = job == null
        ? new JobRecord(jobId, "", state, 0, 0, "", JobLedgerRules.detail(detail), now)
        : new JobRecord(jobId, job.shardKey(), state, job.files(), job.bytes(), job.worker(), JobLedgerRules.detail(detail), now);
    leave(job);
    enter(settled);
  }

  /** Forgets DONE and FAILED records past the retention; returns now. */
  private Instant forgetOld() {
    Instant now = clock.instant();
    Instant cutoff = now.minus(retention);
    for (JobState state : new JobState[] {JobState.DONE, JobState.FAILED}) {
      Iterator<JobRecord> oldestFirst = byState.get(state).values().iterator();
      while (oldestFirst.hasNext()) {
        JobRecord job = oldestFirst.next();
        if (!job.since().isBefore(cutoff)) {
          break;
        }
        oldestFirst.remove();
        jobs.remove(job.jobId());
        count(job, -1);
      }
    }
    return now;
  }

  private void enter(JobRecord job) {
    jobs.put(job.jobId(), job);
    byState.get(job.state()).put(job.jobId(), job);
    count(job, 1);
  }

  private void leave(JobRecord job) {
    if (job != null) {
      jobs.remove(job.jobId());
      byState.get(job.state()).remove(job.jobId());
      count(job, -1);
    }
  }

  private void count(JobRecord job, int sign) {
    long[] total = totals.get(job.state());
    total[JOBS] += sign;
    total[FILES] += sign * job.files();
    total[BYTES] += sign * job.bytes();
  }
}
