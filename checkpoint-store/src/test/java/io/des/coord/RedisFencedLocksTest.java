package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisFencedLocksTest extends FencedLocksContract {
  static final Duration LEASE = Duration.ofMillis(1_000);
  @RegisterExtension static final RedisFixture redis = new RedisFixture(RedisFencedLocksTest.class, LEASE, 2);

  @Override
  protected FencedLocks process(int index) {
    return redis.process(index).locks();
  }

  @Override
  protected void lapse(String name) {
    redis.lapse(name);
  }

  @Test
  void leaseOfAKilledHolderLapsesAfterTheLeaseTimeout() {
    FencedLease orphan;
    long killed;
    try (RedisCoordination doomed = redis.connect()) {
      orphan = acquireNow(doomed.locks(), name);
      // Shutting the client down without unlocking stops the renewals, as kill -9 would.
      doomed.client().shutdown();
      killed = System.nanoTime();
    }

    FencedLease next = redis.process(1).locks().tryAcquire(name, LEASE.multipliedBy(3)).orElseThrow();
    Duration takeover = Duration.ofNanos(System.nanoTime() - killed);

    assertThat(next.token()).isGreaterThan(orphan.token());
    // The last renewal left between 2/3 and all of the timeout; more than that means no expiry.
    assertThat(takeover).isBetween(LEASE.dividedBy(2), LEASE.plusSeconds(1));
    next.close();
  }

  @Test
  void leaseTimeoutIsTheWatchdogTimeout() {
    assertThat(redis.process(0).locks().leaseTimeout()).isEqualTo(LEASE);
  }

  @Test
  void lockIsAHashUnderThePrefixAndGoneAfterRelease() {
    FencedLease lease = acquireNow(redis.process(0).locks(), name);
    assertThat(redis.process(0).client().getKeys().countExists(redis.prefix() + "lock:" + name)).isEqualTo(1);
    assertThat(redis.process(0).client().getKeys().remainTimeToLive(redis.prefix() + "lock:" + name)).isBetween(1L, LEASE.toMillis());

    lease.close();

    assertThat(redis.process(0).client().getKeys().countExists(redis.prefix() + "lock:" + name)).isZero();
  }
}
