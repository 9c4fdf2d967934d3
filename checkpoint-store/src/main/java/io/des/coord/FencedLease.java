package io.des.coord;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

  /**
   * Starts releasing the lock and returns without waiting for the backend: for a holder that has
   * finished its work under the lock and should not spend a round trip on giving it back. The
   * stage completes (never exceptionally) once the release is done, or has failed and will lapse
   * after the lease timeout. Later calls, and {@link #close()}, release nothing more and return at
   * once. Until the stage completes, a {@link FencedLocks#tryAcquire} that waits gets the lock as
   * soon as the release lands; one that does not wait may find it still held.
   */
  default CompletionStage<Void> release() {
    close();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  void close();
}
