package io.des.coord;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.RedissonFencedLock;
import org.redisson.api.RFencedLock;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;

/**
 * {@link FencedLocks} on Redis through Redisson's fenced lock. The lock named {@code n} is the hash
 * {@code <prefix>lock:<n>}; its token counter is Redisson's own key {@code
 * redisson_lock_token:{<prefix>lock:<n>}}, which Redisson places outside the prefix. That counter
 * must outlive every lease: deleting it restarts the tokens from 1 and defeats fencing.
 *
 * <p>Redisson's watchdog renews a held lease every third of the client's lock watchdog timeout,
 * which is {@link #leaseTimeout()}; when the process stops, the lease lapses after that timeout.
 * Redisson owns locks by thread; here every lease is an owner of its own (a synthetic thread id), so
 * the locks are not reentrant and any thread can release them.
 */
public final class RedisFencedLocks implements FencedLocks {
  // Redisson names an owner "<client id>:<thread id>"; these ids are far above any real thread id.
  private static final AtomicLong OWNERS = new AtomicLong(1L << 62);

  private final RedissonClient client;
  private final RedisKeyPrefix prefix;
  private final Set<RedisFencedLease> open = ConcurrentHashMap.newKeySet();

  /** Locks under {@code keyPrefix}; the lease timeout is the client's lock watchdog timeout. */
  public RedisFencedLocks(RedissonClient client, String keyPrefix) {
    this.client = client;
    this.prefix = new RedisKeyPrefix(keyPrefix);
  }

  @Override
  public Optional<FencedLease> tryAcquire(String name, Duration wait) {
    LockRules.checkAcquire(name, wait);
    RedissonFencedLock lock = lock(name);
    long owner = OWNERS.incrementAndGet();
    // A lease time of -1 is what makes Redisson renew the lease with its watchdog.
    RFuture<Long> acquisition = lock.tryLockAndGetTokenAsync(wait.toMillis(), -1, TimeUnit.MILLISECONDS, owner);
    Long token;
    try {
      token = acquisition.toCompletableFuture().get();
    } catch (InterruptedException e) {
      // Redisson goes on trying; whatever it still takes is given back at once.
      acquisition.whenComplete((late, error) -> {
        if (late != null) {
          lock.unlockAsync(owner);
        }
      });
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new CoordinationException("Could not acquire lock '" + name + "' on Redis", e.getCause());
    }
    if (token == null) {
      return Optional.empty();
    }
    RedisFencedLease lease = new RedisFencedLease(name, token, lock, owner, open::remove);
    open.add(lease);
    return Optional.of(lease);
  }

  @Override
  public Duration leaseTimeout() {
    return Duration.ofMillis(client.getConfig().getLockWatchdogTimeout());
  }

  @Override
  public void close() {
    for (RedisFencedLease lease : open) {
      lease.close();
    }
  }

  private RedissonFencedLock lock(String name) {
    // The variant of tryLockAndGetToken that takes an owner is on the class, not on RFencedLock.
    RFencedLock lock = client.getFencedLock(prefix.key("lock:" + name));
    if (lock instanceof RedissonFencedLock fenced) {
      return fenced;
    }
    throw new CoordinationException("Lock '" + name + "' is a " + lock.getClass().getName() + ", not Redisson's RedissonFencedLock");
  }
}
