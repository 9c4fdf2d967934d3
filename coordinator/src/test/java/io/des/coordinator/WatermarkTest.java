package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.job.JobFile;
import io.des.routing.Router;
import io.des.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Watermark} against a real PostgreSQL: the cut-off follows {@code des_archive_config}, and
 * {@code archived_until} only ever moves to a midnight up to which every row is archived.
 */
class WatermarkTest {
  @TempDir Path dir;
  private FileRecords records;
  private final String config = TestPostgres.uniqueName("archive_config");
  private Instant now = Instant.parse("2024-03-10T00:30:00Z");

  @BeforeEach
  void createTables() throws Exception {
    records = new FileRecords(dir, "timestamp");
    TestPostgres.execute("CREATE TABLE " + config + " (id INTEGER PRIMARY KEY, archived_until TIMESTAMP, lag_days INTEGER)");
  }

  @AfterEach
  void dropTables() throws Exception {
    TestPostgres.drop(config);
    if (records != null) {
      records.close();
    }
  }

  private void configure(String archivedUntil, Integer lagDays) {
    records.jdbc.update("INSERT INTO " + config + " (id, archived_until, lag_days) VALUES (1, ?, ?)",
        archivedUntil == null ? null : LocalDateTime.parse(archivedUntil), lagDays);
  }

  private LocalDateTime archivedUntil() {
    return records.jdbc.queryForObject("SELECT archived_until FROM " + config + " WHERE id = 1", LocalDateTime.class);
  }

  /** A source as of {@link #now}: its scans read every due row, so a new one per step loses nothing. */
  private DatabaseSource source() {
    Watermark watermark = new Watermark(config, records.source(), 7, Clock.fixed(now, ZoneOffset.UTC));
    return new DatabaseSource(records.jdbc, records.source(), watermark, new Router(8), 1000);
  }

  private static List<String> uids(FileSource.Scan scan) {
    return scan.files().stream().map(JobFile::uid).toList();
  }

  @Test
  void rowsAreDueUpToTheMidnightLagDaysAgoInclusive() throws Exception {
    configure(null, 2); // now 2024-03-10T00:30Z: due up to 2024-03-08T00:00 inclusive
    records.add("at-target", LocalDateTime.parse("2024-03-08T00:00:00"));
    records.add("just-after", LocalDateTime.parse("2024-03-08T00:00:00.000001"));

    assertThat(uids(source().scan(100))).containsExactly("at-target");
  }

  @Test
  void advancesOnlyToMidnightsUpToWhichEveryRowIsArchived() throws Exception {
    configure(null, 2);
    records.add("mar-01", LocalDateTime.parse("2024-03-01T10:00:00"));
    records.add("mar-03", LocalDateTime.parse("2024-03-03T00:00:00")); // exactly at a midnight
    DatabaseSource source = source();

    assertThat(uids(source.scan(100))).containsExactly("mar-01", "mar-03");
    assertThat(archivedUntil()).isEqualTo("2024-03-01T00:00:00");

    records.archive("mar-01");
    source.scan(100);
    assertThat(archivedUntil()).as("the last midnight strictly before the pending row").isEqualTo("2024-03-02T00:00:00");

    records.archive("mar-03");
    assertThat(uids(source.scan(100))).isEmpty();
    assertThat(archivedUntil()).isEqualTo("2024-03-08T00:00:00");
    assertThat(source.describe()).containsEntry("mode", "watermark").containsEntry("table", config)
        .containsEntry("lag_days", 2).containsEntry("archived_until", "2024-03-08T00:00:00Z")
        .containsEntry("cutoff", "created_at <= 2024-03-08T00:00:00Z");
  }

  @Test
  void noDayIsSkippedWhenTheScanCrossesMidnight() throws Exception {
    now = Instant.parse("2024-03-09T23:59:59Z");
    configure("2024-03-08T00:00:00", 1); // due up to 2024-03-08T00:00; nothing pending, so it stays
    records.add("mar-08-noon", LocalDateTime.parse("2024-03-08T12:00:00"));
    assertThat(uids(source().scan(100))).isEmpty();

    now = now.plus(Duration.ofSeconds(2)); // past midnight: 2024-03-08's rows are due, and pending
    assertThat(uids(source().scan(100))).containsExactly("mar-08-noon");
    assertThat(archivedUntil()).as("not moved past a pending row").isEqualTo("2024-03-08T00:00:00");

    records.archive("mar-08-noon");
    source().scan(100);
    assertThat(archivedUntil()).isEqualTo("2024-03-09T00:00:00");
  }

  @Test
  void rowsInsertedLateIntoAnArchivedWindowArePickedUpAndTheWatermarkNeverMovesBack() throws Exception {
    configure("2024-03-08T00:00:00", 2);
    assertThat(uids(source().scan(100))).isEmpty();

    records.add("late", LocalDateTime.parse("2024-03-02T09:00:00"));
    now = now.plus(Duration.ofDays(1)); // target 2024-03-09, held back by the late row

    assertThat(uids(source().scan(100))).containsExactly("late");
    assertThat(archivedUntil()).isEqualTo("2024-03-08T00:00:00");

    records.archive("late");
    source().scan(100);
    assertThat(archivedUntil()).isEqualTo("2024-03-09T00:00:00");
  }

  @Test
  void anArchivedUntilAheadOfTheTargetIsKeptAndRowsUpToItAreDue() throws Exception {
    configure("2024-03-09T00:00:00", 5); // target 2024-03-05, but DES already promised up to 03-09
    records.add("mar-07", LocalDateTime.parse("2024-03-07T00:00:00"));
    records.add("mar-09-noon", LocalDateTime.parse("2024-03-09T12:00:00"));

    assertThat(uids(source().scan(100))).containsExactly("mar-07");
    assertThat(archivedUntil()).isEqualTo("2024-03-09T00:00:00");
  }

  @Test
  void aNullLagFallsBackToArchiveAgeDays() throws Exception {
    configure(null, null); // 7 days: due up to 2024-03-03T00:00
    records.add("mar-03", LocalDateTime.parse("2024-03-03T00:00:00"));
    records.add("mar-04", LocalDateTime.parse("2024-03-04T00:00:00"));

    assertThat(uids(source().scan(100))).containsExactly("mar-03");
  }

  @Test
  void aMissingConfigurationRowFailsTheScanSayingWhatToInsert() {
    assertThatThrownBy(() -> source().scan(100)).isInstanceOf(IllegalStateException.class)
        .hasMessage("The watermark table " + config + " has no row id = 1; add one, e.g. INSERT INTO " + config
            + " (id, archived_until, lag_days) VALUES (1, NULL, 7)");
  }

  @Test
  void aRowWhoseArchivedIsNullIsPendingAndHoldsTheWatermark() throws Exception {
    configure(null, 2);
    Path file = Files.writeString(dir.resolve("null-archived"), "x");
    records.insert("null-archived", LocalDateTime.parse("2024-03-04T08:00:00"), file.toString(), 1L, null);

    assertThat(uids(source().scan(100))).containsExactly("null-archived");
    assertThat(archivedUntil()).isEqualTo("2024-03-04T00:00:00");
  }
}
