package io.des.coord;

import java.time.Duration;

/** The argument checks every {@link CheckpointStore} makes before it touches its backend. */
final class CheckpointRules {
  private CheckpointRules() {}

  static void checkSettings(int maxStateBytes, Duration tombstoneRetention) {
    if (maxStateBytes < 0) {
      throw new IllegalArgumentException("Max state bytes must not be negative, got: " + maxStateBytes);
    }
    if (tombstoneRetention.toMillis() <= 0) {
      throw new IllegalArgumentException("Tombstone retention must be at least 1 ms, got: " + tombstoneRetention);
    }
  }

  static void checkSave(String jobId, long fence, byte[] state, int maxStateBytes) {
    checkDelete(jobId, fence);
    if (state == null) {
      throw new IllegalArgumentException("Checkpoint state of job " + jobId + " must not be null");
    }
    if (state.length > maxStateBytes) {
      throw new IllegalArgumentException(
          "Checkpoint state of job " + jobId + " is " + state.length + " bytes, above the limit of " + maxStateBytes);
    }
  }

  static void checkDelete(String jobId, long fence) {
    checkJobId(jobId);
    if (fence < 0) {
      throw new IllegalArgumentException("Fencing token of job " + jobId + " must not be negative, got: " + fence);
    }
  }

  static void checkJobId(String jobId) {
    if (jobId == null || jobId.isEmpty()) {
      throw new IllegalArgumentException("Job id must not be empty, got: " + jobId);
    }
  }
}
