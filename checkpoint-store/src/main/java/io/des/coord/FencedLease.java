package io.des.coord;

/**
 * A held lock. Closing it releases the lock if this lease still holds it; idempotent, callable from
 * any thread, and it never throws: a lease that was already lost has nothing to release, and if the
 * backend cannot be reached the renewal stops, so the lease lapses after the lease timeout.
 */
public interface FencedLease extends AutoCloseable {

  /** The lock's name. */
  String name();

  /** The fencing token of this acquisition: larger than every earlier token for the name. */
  long token();

  /**
   * Whether the lock is still held by this lease, as the backend sees it now. Informative only:
   * the answer can be stale by the time it is used, which is why writes carry {@link #token()}.
   *
   * @throws CoordinationException if the backend cannot be reached
   */
  boolean isHeld();

  @Override
  void close();
}
