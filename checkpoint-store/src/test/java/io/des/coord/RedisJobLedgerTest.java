package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisJobLedgerTest extends JobLedgerContract {
  private static final AtomicInteger LEDGERS = new AtomicInteger();
  @RegisterExtension static final RedisFixture redis = new RedisFixture(RedisJobLedgerTest.class, Duration.ofSeconds(5), 1);
  private String ledgerPrefix;

  /** Each ledger lives under a prefix of its own, below the class's, so its counts start at zero. */
  @Override
  protected JobLedger newLedger(Duration retention) {
    ledgerPrefix = redis.prefix() + LEDGERS.incrementAndGet() + ":";
    return new RedisJobLedger(redis.process(0).client(), ledgerPrefix, retention);
  }

  @Override
  protected void passTime(Duration time) {}

  @Override
  protected Instant now() {
    return Instant.now();
  }

  @Test
  void ledgerKeysShareOneHashTagUnderThePrefix() {
    ledger.offer("a", "k", 1, 10);
    ledger.done("a", "ok");

    assertThat(RedisTestServer.keysOf(redis.process(0).client(), ledgerPrefix))
        .containsExactlyInAnyOrder(ledgerPrefix + "{jobs}:job:a", ledgerPrefix + "{jobs}:state:DONE", ledgerPrefix + "{jobs}:counts");
  }

  @Test
  void coordinationBuildsTheLedgerUnderItsPrefix() {
    JobLedger shared = redis.process(0).ledger();
    shared.offer("from-coordination", "k", 1, 1);

    assertThat(redis.process(0).client().getKeys().countExists(redis.prefix() + "{jobs}:job:from-coordination")).isEqualTo(1);
  }
}
