package io.des.coord;

import java.time.Duration;
import java.time.Instant;

class LocalJobLedgerTest extends JobLedgerContract {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));

  @Override
  protected JobLedger newLedger(Duration retention) {
    return new LocalJobLedger(retention, clock);
  }

  @Override
  protected void passTime(Duration time) {
    clock.advance(time);
  }

  @Override
  protected Instant now() {
    return clock.instant();
  }
}
