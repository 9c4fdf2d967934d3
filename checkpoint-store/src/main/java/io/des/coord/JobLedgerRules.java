package io.des.coord;

import java.time.Duration;

/** The argument checks every {@link JobLedger} makes before it touches its backend. */
final class JobLedgerRules {
  private JobLedgerRules() {}

  static void checkId(String jobId) {
    if (jobId == null || jobId.isEmpty()) {
      throw new IllegalArgumentException("Job id must not be empty, got: " + jobId);
    }
  }

  static void checkJob(String jobId, String shardKey, long files, long bytes) {
    checkId(jobId);
    if (shardKey == null) {
      throw new IllegalArgumentException("Shard key of job " + jobId + " must not be null");
    }
    if (files < 0 || bytes < 0) {
      throw new IllegalArgumentException("Job " + jobId + " must have non-negative counts, got " + files + " files, " + bytes + " bytes");
    }
  }

  static void checkWorker(String jobId, String worker) {
    if (worker == null || worker.isEmpty()) {
      throw new IllegalArgumentException("Worker of job " + jobId + " must not be empty, got: " + worker);
    }
  }

  static void checkLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("List limit must not be negative, got: " + limit);
    }
  }

  static void checkRetention(Duration retention) {
    if (retention.toMillis() <= 0) {
      throw new IllegalArgumentException("Retention must be at least 1 ms, got: " + retention);
    }
  }

  /** A detail or cause as stored: null becomes empty, since exception messages may be null. */
  static String detail(String detail) {
    return detail == null ? "" : detail;
  }
}
