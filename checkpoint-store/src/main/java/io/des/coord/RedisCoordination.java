package io.des.coord;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One Redis connection and the coordination built on it, for one process of the fleet. Every key
 * lives under the key prefix (see {@link RedisFencedLocks} for the one counter Redisson names
 * itself). Closing it releases the locks it holds and shuts the client down; a process that dies
 * without closing loses its leases after the lease timeout instead.
 */
public final class RedisCoordination implements AutoCloseable {
  private final RedissonClient client;
  private final String keyPrefix;
  private final RedisFencedLocks locks;

  private RedisCoordination(RedissonClient client, String keyPrefix) {
    this.client = client;
    this.keyPrefix = keyPrefix;
    this.locks = new RedisFencedLocks(client, keyPrefix);
  }

  /**
   * Connects to one Redis server.
   *
   * @param address such as {@code redis://127.0.0.1:6379} ({@code rediss://} for TLS)
   * @param keyPrefix the namespace of every key, such as {@code des:}
   * @param leaseTimeout how long a lock outlives its holder's last renewal (Redisson's lock watchdog
   *     timeout); renewals run every third of it
   * @throws CoordinationException if the server cannot be reached
   */
  public static RedisCoordination connect(String address, String keyPrefix, Duration leaseTimeout) {
    String prefix = new RedisKeyPrefix(keyPrefix).value();
    if (leaseTimeout.toMillis() < 30) {
      throw new IllegalArgumentException("Lease timeout must be at least 30 ms, got: " + leaseTimeout);
    }
    Config config = new Config();
    config.setLockWatchdogTimeout(leaseTimeout.toMillis());
    config.setUseScriptCache(true);
    // Redisson's defaults (24 idle connections, 32 Netty threads) are sized for busy servers; a
    // coordination client makes a few calls a second, on machines with few cores.
    config.setNettyThreads(4);
    config.setThreads(2);
    config.useSingleServer()
        .setAddress(address)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(16)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(4);
    try {
      return new RedisCoordination(Redisson.create(config), prefix);
    } catch (RuntimeException e) {
      throw new CoordinationException("Could not connect to Redis at " + address, e);
    }
  }

  /** The locks of this process; one instance, released on {@link #close()}. */
  public FencedLocks locks() {
    return locks;
  }

  /** An election among the processes campaigning for the lock {@code name}; close it to step down. */
  public LeaderElection election(String name, Duration interval) {
    return new LockLeaderElection(locks, name, interval);
  }

  /** The checkpoint store with the default state limit and tombstone retention. */
  public CheckpointStore checkpoints() {
    return new RedisCheckpointStore(client, keyPrefix);
  }

  public CheckpointStore checkpoints(int maxStateBytes, Duration tombstoneRetention) {
    return new RedisCheckpointStore(client, keyPrefix, maxStateBytes, tombstoneRetention);
  }

  /** The job ledger with the default retention of DONE and FAILED records. */
  public JobLedger ledger() {
    return new RedisJobLedger(client, keyPrefix);
  }

  public JobLedger ledger(Duration retention) {
    return new RedisJobLedger(client, keyPrefix, retention);
  }

  /** The Redisson client, for checks and for tests. */
  public RedissonClient client() {
    return client;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  /** How long a lock outlives its holder's last renewal. */
  public Duration leaseTimeout() {
    return locks.leaseTimeout();
  }

  /** Releases the held locks and shuts the client down; idempotent. */
  @Override
  public void close() {
    if (client.isShutdown() || client.isShuttingDown()) {
      return;
    }
    locks.close();
    client.shutdown();
  }
}
