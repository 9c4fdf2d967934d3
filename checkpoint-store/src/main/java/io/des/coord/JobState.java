package io.des.coord;

/** Where a job is in its life, as the ledger records it. */
public enum JobState {
  /** Published, not yet taken by a worker. */
  PENDING,
  /** A worker is on it. */
  RUNNING,
  /** Its files are committed in live shards and its sources are marked. */
  DONE,
  /** Sent to the dead-letter topic; needs a human (or a re-offer after the cause is fixed). */
  FAILED
}
