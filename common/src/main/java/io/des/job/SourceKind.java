package io.des.job;

/**
 * Where a job's files come from, which decides how a worker marks them once they are committed.
 * The names are persisted in job messages; never rename one.
 */
public enum SourceKind {
  /** Files in a landing folder: deleted after commit. */
  LANDING,
  /** Rows of a database table: marked {@code archived} after commit; the files are left alone. */
  DATABASE
}
