package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLeaderElectionTest extends LeaderElectionContract {
  static final Duration LEASE = Duration.ofMillis(1_500);
  @RegisterExtension static final RedisFixture redis = new RedisFixture(RedisLeaderElectionTest.class, LEASE, 2);

  @Override
  protected FencedLocks process(int index) {
    return redis.process(index).locks();
  }

  @Override
  protected void lapse(String name) {
    redis.lapse(name);
  }

  @Test
  void killedLeaderIsReplacedWithinTheLeaseTimeoutPlusOneInterval() {
    RecordingListener standbyHears = new RecordingListener();
    LeaderElection standby;
    long killedTerm;
    long killed;
    try (RedisCoordination doomed = redis.connect()) {
      LeaderElection leader = election(doomed.locks());
      leader.start(new RecordingListener());
      Poll.until(SOON, "the first campaigner leads", leader::isLeader);
      killedTerm = leader.term();
      standby = election(redis.process(1).locks());
      standby.start(standbyHears);
      Poll.never(INTERVAL.multipliedBy(3), "the standby leads while the leader lives", standby::isLeader);

      // Shutting the client down without unlocking stops the renewals, as kill -9 would.
      doomed.client().shutdown();
      killed = System.nanoTime();
      Poll.until(LEASE.plus(INTERVAL).multipliedBy(3), "the standby leads", standby::isLeader);
    }

    Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
    assertThat(takeover).isLessThanOrEqualTo(LEASE.plus(INTERVAL).plusSeconds(1));
    assertThat(standby.term()).isGreaterThan(killedTerm);
    assertThat(standbyHears.events()).containsExactly("elected " + standby.term());
  }

  @Test
  void coordinationBuildsAnElectionOnItsLocks() {
    LeaderElection election = redis.process(0).election(name, INTERVAL);
    try {
      election.start(new RecordingListener());
      Poll.until(SOON, "the campaigner leads", election::isLeader);
      assertThat(redis.process(0).client().getKeys().countExists(redis.prefix() + "lock:" + name)).isEqualTo(1);
    } finally {
      election.close();
    }
    assertThat(redis.process(0).client().getKeys().countExists(redis.prefix() + "lock:" + name)).as("released on close").isZero();
  }
}
