package io.des.coord;

import java.time.Duration;
import java.util.Optional;

/**
 * Exclusive locks by name, each acquisition carrying a fencing token larger than every token handed
 * out before for that name. A held lease is renewed in the background while its process runs; when
 * the process stops renewing (crash, {@code kill -9}, a long pause), the lease lapses after {@link
 * #leaseTimeout()} and another process can take the lock with a larger token.
 *
 * <p>Locks are not reentrant: while a lease is held, every other {@link #tryAcquire} of the name
 * returns empty, in this process and on the holder's own thread too. A lease is not bound to the
 * thread that took it; any thread may close it.
 */
public interface FencedLocks extends AutoCloseable {

  /**
   * Takes the lock if it is free within {@code wait} ({@link Duration#ZERO}: do not wait).
   *
   * @return the lease, or empty if another holder kept the lock for the whole wait, or if the
   *     calling thread was interrupted while waiting (its interrupt status is then set)
   * @throws CoordinationException if the backend cannot be reached
   */
  Optional<FencedLease> tryAcquire(String name, Duration wait);

  /** How long a lease outlives the last renewal of its holder. */
  Duration leaseTimeout();

  /** Releases the leases this instance handed out and still holds; idempotent. */
  @Override
  default void close() {}
}
