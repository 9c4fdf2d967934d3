package io.des.job;

/**
 * Where a job's files come from, which decides how a worker marks them once they are committed.
 * The names are persisted in job messages; never rename one.
 */
public enum SourceKind {
  /** Files in a landing folder: deleted after commit. */
  LANDING,
  /**
   * Objects in a landing store ({@code des.landing.store}, an S3 prefix or a folder), named by
   * their key under it: staged to the worker's disk to be packed, deleted after commit.
   */
  LANDING_STORE,
  /** Rows of a database table: marked {@code archived} after commit; the files are left alone. */
  DATABASE
}
