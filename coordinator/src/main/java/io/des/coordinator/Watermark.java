package io.des.coordinator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Upstream's "DataCutoff" watermark: the singleton row {@code id = 1} of a table like {@code
 * des_archive_config(id INTEGER PRIMARY KEY, archived_until TIMESTAMP, lag_days INTEGER)} promises
 * the business system that every file created up to {@code archived_until} (UTC) is in DES.
 *
 * <p>Rows are due up to {@code max(archived_until, floor_to_midnight(now - lag_days))}, inclusive,
 * as upstream's window {@code (archived_until, floor_to_midnight(now - lag_days)]}, but without the
 * lower bound: a row inserted late with a created_at in an archived window is still pending, so it
 * is picked up by the next scan. The watermark moves forward only, only to a midnight, and only to a
 * point up to which no row is pending: when the oldest pending row was created at {@code p}, it moves
 * to the last midnight before {@code p} (to the target when nothing is pending). The move is one
 * conditional UPDATE that checks again that no row up to the new value is pending, so it is right
 * whenever it is computed (upstream recomputed "now" after a run and could skip a day around
 * midnight). A row that can never be packed (its file missing) holds the watermark back until it
 * is fixed or flagged archived by hand. A NULL {@code lag_days} means {@code
 * des.database.archive-age-days}; a NULL {@code archived_until} means nothing is archived yet.
 */
final class Watermark implements CutoffPolicy {
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final Instant YEAR_ONE = Instant.parse("0001-01-02T00:00:00Z");

  private final String table;
  private final SourceTable source;
  private final int defaultLagDays;
  private final Clock clock;
  private volatile Map<String, Object> state = Map.of();

  Watermark(String table, SourceTable source, int defaultLagDays, Clock clock) {
    if (!QUALIFIED.matcher(table).matches()) {
      throw new IllegalArgumentException("Not a plain SQL identifier for the watermark table: '" + table + "'");
    }
    this.table = table;
    this.source = source;
    this.defaultLagDays = defaultLagDays;
    this.clock = clock;
  }

  private record Row(Instant archivedUntil, int lagDays) {}

  @Override
  public Cutoff next(JdbcTemplate jdbc, TimestampType type) {
    Row row = read(jdbc);
    Instant target = floorToMidnight(clock.instant().minus(Duration.ofDays(row.lagDays())));
    Instant until = advance(jdbc, type, row.archivedUntil(), target);
    Instant at = until != null && until.isAfter(target) ? until : target;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("mode", "watermark");
    s.put("table", table);
    s.put("lag_days", row.lagDays());
    s.put("target", target.toString());
    s.put("archived_until", String.valueOf(until));
    state = s;
    return new Cutoff(at, Cutoff.Bound.UP_TO);
  }

  @Override
  public Map<String, Object> describe() {
    return state.isEmpty() ? Map.of("mode", "watermark", "table", table) : state;
  }

  /** Moves {@code archived_until} as far towards {@code target} as the pending rows allow. */
  private Instant advance(JdbcTemplate jdbc, TimestampType type, Instant archivedUntil, Instant target) {
    if (archivedUntil != null && !archivedUntil.isBefore(target)) {
      return archivedUntil;
    }
    Object oldest = jdbc.query(source.oldestPending(), ps -> ps.setObject(1, type.bind(target)),
        rs -> rs.next() ? type.read(rs, 1) : null);
    Instant candidate;
    if (oldest == null) {
      candidate = target;
    } else {
      Instant p = type.instant(oldest);
      if (p.isBefore(YEAR_ONE)) {
        return archivedUntil; // a pending row from before year 1 ('-infinity'): never archivable
      }
      Instant floor = floorToMidnight(p);
      candidate = floor.equals(p) ? floor.minus(Duration.ofDays(1)) : floor;
    }
    if (archivedUntil != null && !candidate.isAfter(archivedUntil)) {
      return archivedUntil;
    }
    LocalDateTime value = LocalDateTime.ofInstant(candidate, ZoneOffset.UTC);
    int moved = jdbc.update("UPDATE " + table + " SET archived_until = ? WHERE id = 1"
        + " AND (archived_until IS NULL OR archived_until < ?) AND NOT " + source.anyPending(),
        value, value, type.bind(candidate));
    return moved == 1 ? candidate : read(jdbc).archivedUntil(); // a late row, or another writer
  }

  private Row read(JdbcTemplate jdbc) {
    List<Row> rows = jdbc.query("SELECT archived_until, lag_days FROM " + table + " WHERE id = 1", (rs, n) -> {
      LocalDateTime until = rs.getObject(1, LocalDateTime.class);
      int lag = rs.getInt(2);
      return new Row(until == null ? null : until.toInstant(ZoneOffset.UTC), rs.wasNull() ? defaultLagDays : lag);
    });
    if (rows.isEmpty()) {
      throw new IllegalStateException("The watermark table " + table + " has no row id = 1; add one, e.g. INSERT INTO "
          + table + " (id, archived_until, lag_days) VALUES (1, NULL, " + defaultLagDays + ")");
    }
    if (rows.get(0).lagDays() < 0) {
      throw new IllegalStateException(table + ".lag_days is negative: " + rows.get(0).lagDays());
    }
    return rows.get(0);
  }

  /** Midnight UTC at or before {@code instant}. */
  static Instant floorToMidnight(Instant instant) {
    return LocalDate.ofInstant(instant, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
