package io.des.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** Upstream's {@code archive_age_days}: rows created more than that many days ago are due. */
final class AgeCutoff implements CutoffPolicy {
  private final int days;
  private final Clock clock;

  AgeCutoff(int days, Clock clock) {
    if (days < 0) {
      throw new IllegalArgumentException("des.database.archive-age-days must not be negative: " + days);
    }
    this.days = days;
    this.clock = clock;
  }

  @Override
  public Cutoff next(JdbcTemplate jdbc, TimestampType type) {
    return new Cutoff(clock.instant().minus(Duration.ofDays(days)), Cutoff.Bound.BEFORE);
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("mode", "age", "archive_age_days", days);
  }
}
