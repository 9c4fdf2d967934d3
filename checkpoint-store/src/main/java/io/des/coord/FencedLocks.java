package io.des.coord;

import java.time.Duration;
import java.util.Optional;

/**
 * Exclusive locks by name, each acquisition carrying a fencing token larger than every token handed
 * out before for that name. A held lease is renewed in the background while its process runs; when
 * the process stops renewing (crash, {@code kill -9}, a long pause), the lease lapses after {@link
 * #leaseTimeout()} and another process can take the lock with a larger token.
 */
public interface FencedLocks extends AutoCloseable {

  /**
   * Takes the lock if it is free within {@code wait} ({@link Duration#ZERO}: do not wait).
   *
   * @return the lease, or empty if another holder kept the lock for the whole wait
   */
  Optional<FencedLease> tryAcquire(String name, Duration wait);

  /** How long a lease outlives the last renewal of its holder. */
  Duration leaseTimeout();

  @Override
  default void close() {}
}
