package io.des.coord;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link FencedLocks} for one JVM. Tokens come from one counter, so they increase across all names.
 * The holder is this process, which is alive as long as the locks are, so a lease never lapses on
 * its own; {@link #expire(String)} makes one lapse, as a crashed holder's would.
 */
public final class LocalFencedLocks implements FencedLocks {
  /** The nominal lease timeout reported when none is given. */
  public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(30);

  private final Duration leaseTimeout;
  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition released = mutex.newCondition();
  private final Map<String, LocalFencedLease> holders = new HashMap<>();
  private long lastToken;

  public LocalFencedLocks() {
    this(DEFAULT_LEASE_TIMEOUT);
  }

  /** Locks that report {@code leaseTimeout}, for code that sizes its waits by it. */
  public LocalFencedLocks(Duration leaseTimeout) {
    if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
      throw new IllegalArgumentException("Lease timeout must be positive, got: " + leaseTimeout);
    }
    this.leaseTimeout = leaseTimeout;
  }

  @Override
  public Optional<FencedLease> tryAcquire(String name, Duration wait) {
    LockRules.checkAcquire(name, wait);
    long deadline = System.nanoTime() + wait.toNanos();
    mutex.lock();
    try {
      while (holders.containsKey(name)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        released.awaitNanos(left);
      }
      LocalFencedLease lease = new LocalFencedLease(this, name, ++lastToken);
      holders.put(name, lease);
      return Optional.of(lease);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public Duration leaseTimeout() {
    return leaseTimeout;
  }

  /**
   * Makes the lease on {@code name} lapse now, as if its holder had stopped renewing it: the holder
   * sees {@link FencedLease#isHeld()} false and the next acquirer gets a larger token.
   *
   * @return whether a lease was held
   */
  public boolean expire(String name) {
    mutex.lock();
    try {
      return release(holders.get(name));
    } finally {
      mutex.unlock();
    }
  }

  /** Releases every held lease. */
  @Override
  public void close() {
    mutex.lock();
    try {
      for (LocalFencedLease lease : List.copyOf(holders.values())) {
        release(lease);
      }
    } finally {
      mutex.unlock();
    }
  }

  boolean holds(LocalFencedLease lease) {
    mutex.lock();
    try {
      return holders.get(lease.name()) == lease;
    } finally {
      mutex.unlock();
    }
  }

  /** Releases the lock if {@code lease} still holds it. */
  boolean release(LocalFencedLease lease) {
    mutex.lock();
    try {
      if (lease == null || !holders.remove(lease.name(), lease)) {
        return false;
      }
      released.signalAll();
      return true;
    } finally {
      mutex.unlock();
    }
  }
}
