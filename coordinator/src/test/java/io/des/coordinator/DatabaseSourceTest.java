package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.job.JobFile;
import io.des.pack.InputProblem;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DatabaseSource} with the age cut-off, against a real PostgreSQL table of its own. */
class DatabaseSourceTest {
  private static final Instant NOW = Instant.parse("2024-03-10T12:00:00Z");
  private static final LocalDateTime CUTOFF = LocalDateTime.parse("2024-03-03T12:00:00"); // NOW - 7 days

  @TempDir Path dir;
  private FileRecords records;

  @BeforeEach
  void createTable() throws Exception {
    records = new FileRecords(dir, "timestamp");
  }

  @AfterEach
  void dropTable() throws Exception {
    if (records != null) {
      records.close();
    }
  }

  private DatabaseSource source(int pageRows) {
    return new DatabaseSource(records.jdbc, records.source(), new AgeCutoff(7, Clock.fixed(NOW, ZoneOffset.UTC)), new Router(8), pageRows);
  }

  private static List<String> uids(FileSource.Scan scan) {
    return scan.files().stream().map(JobFile::uid).toList();
  }

  @Test
  void picksOnlyRowsCreatedBeforeNowMinusArchiveAgeDays() throws Exception {
    records.add("due", CUTOFF.minusNanos(1000));
    records.add("at-cutoff", CUTOFF);
    records.add("recent", CUTOFF.plusDays(2));

    FileSource.Scan scan = source(1000).scan(100);

    assertThat(uids(scan)).containsExactly("due");
    assertThat(scan.problems()).isEmpty();
    assertThat(scan.oldest()).isEqualTo(CUTOFF.minusNanos(1000).toInstant(ZoneOffset.UTC));
  }

  @Test
  void rowsWithNullArchivedArePendingAndArchivedRowsAreNot() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "a");
    Path b = Files.writeString(dir.resolve("b"), "b");
    records.insert("null-archived", CUTOFF.minusDays(1), a.toString(), 1L, null);
    records.insert("archived", CUTOFF.minusDays(1), b.toString(), 1L, true);

    assertThat(uids(source(1000).scan(100))).containsExactly("null-archived");
  }

  @Test
  void filesCarryTheRowsValuesAndNaiveTimestampsStayNaive() throws Exception {
    Path file = records.add("doc-1", LocalDateTime.parse("2024-01-01T23:30:00.123456"));

    JobFile f = source(1000).scan(100).files().get(0);

    assertThat(f.createdAt()).isEqualTo(CreatedAt.parse("2024-01-01T23:30:00.123456"));
    assertThat(f.createdAt().isNaive()).isTrue();
    assertThat(f.size()).isEqualTo(Files.size(file));
    assertThat(f.location()).isEqualTo(file.toString());
  }

  @Test
  void rowsInsertedLateWithAnOldCreatedAtArePickedUp() throws Exception {
    DatabaseSource source = source(1000);
    records.add("first", CUTOFF.minusDays(3));
    assertThat(uids(source.scan(100))).containsExactly("first");
    records.archive("first");
    assertThat(uids(source.scan(100))).isEmpty();

    records.add("late", CUTOFF.minusDays(5)); // older than the archived row

    assertThat(uids(source.scan(100))).containsExactly("late");
  }

  @Test
  void scansGoOnWhereTheLastStoppedAndStartOverAfterTheLastRow() throws Exception {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String uid = String.format("doc-%02d", i);
      records.add(uid, CUTOFF.minusDays(1).plusSeconds(i / 3)); // three rows per created_at: uid breaks ties
      all.add(uid);
    }
    DatabaseSource source = source(4);

    List<String> first = uids(source.scan(10));
    List<String> second = uids(source.scan(10));
    List<String> third = uids(source.scan(10));
    List<String> fourth = uids(source.scan(10));

    assertThat(first).isEqualTo(all.subList(0, 10));
    assertThat(second).isEqualTo(all.subList(10, 20));
    assertThat(third).isEqualTo(all.subList(20, 25));
    assertThat(fourth).as("after the last row, the next scan starts at the oldest").isEqualTo(all.subList(0, 10));
  }

  @Test
  void invalidRowsAreReportedAndDoNotHideTheRowsAfterThem() throws Exception {
    LocalDateTime old = CUTOFF.minusDays(30);
    Path small = Files.writeString(dir.resolve("small"), "12345");
    records.insert("missing", old, dir.resolve("no-such-file").toString(), null, false);
    records.insert("wrong-size", old.plusSeconds(1), small.toString(), 10L, false);
    records.insert("", old.plusSeconds(2), small.toString(), 5L, false);
    records.insert("relative", old.plusSeconds(3), "files/relative", null, false);
    records.insert("no-location", old.plusSeconds(4), null, null, false);
    records.insert("negative", old.plusSeconds(5), small.toString(), -1L, false);
    records.jdbc.update("INSERT INTO " + records.table + " (uid, created_at, file_location) VALUES ('infinite', '-infinity', ?)", small.toString());
    records.add("good-1", old.plusSeconds(10));
    records.add("good-2", old.plusSeconds(11));
    DatabaseSource source = source(1000);

    FileSource.Scan first = source.scan(5);
    FileSource.Scan second = source.scan(5);

    assertThat(first.files()).isEmpty();
    assertThat(uids(second)).containsExactly("good-1", "good-2");
    List<String> problems = new ArrayList<>();
    first.problems().stream().map(InputProblem::toString).forEach(problems::add);
    second.problems().stream().map(InputProblem::toString).forEach(problems::add);
    assertThat(problems).hasSize(7);
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[infinite]").contains("year"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[missing]").contains("does not exist"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[wrong-size]").contains("size mismatch").contains("expected 10, got 5"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[]").contains("uid must not be empty"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[relative]").contains("is not an absolute local path"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[no-location]").contains("file_location is NULL"));
    assertThat(problems).anySatisfy(p -> assertThat(p).contains("[negative]").contains("size_bytes is negative: -1"));
  }

  @Test
  void withoutASizeColumnTheFileIsMeasured() throws Exception {
    records.jdbc.execute("ALTER TABLE " + records.table + " DROP COLUMN size_bytes");
    Path file = Files.writeString(dir.resolve("f"), "seven b");
    records.jdbc.update("INSERT INTO " + records.table + " (uid, created_at, file_location) VALUES (?, ?, ?)",
        "f", CUTOFF.minusDays(1), file.toString());
    SourceTable noSize = new SourceTable(records.table, "uid", "created_at", "file_location", "", "archived");
    DatabaseSource source = new DatabaseSource(records.jdbc, noSize, new AgeCutoff(7, Clock.fixed(NOW, ZoneOffset.UTC)), new Router(8), 1000);

    assertThat(source.scan(10).files()).singleElement().satisfies(f -> assertThat(f.size()).isEqualTo(7));
  }

  @Test
  void describesItselfForTheStatusPage() throws Exception {
    records.add("a", CUTOFF.minusDays(2));
    records.add("b", CUTOFF.minusDays(1));
    DatabaseSource source = source(1000);
    source.scan(1);

    assertThat(source.describe())
        .containsEntry("table", records.table)
        .containsEntry("created_at_type", "timestamp")
        .containsEntry("mode", "age")
        .containsEntry("archive_age_days", 7)
        .containsEntry("cutoff", "created_at < 2024-03-03T12:00:00Z")
        .containsEntry("next_scan_after", CUTOFF.minusDays(2) + " a")
        .containsEntry("oldest_pending", "2024-03-01T12:00:00Z");
  }

  @Test
  void aUidColumnThatIsNotTextIsRefusedWithTheReason() throws Exception {
    String table = TestPostgres.uniqueName("int_uids");
    TestPostgres.execute("CREATE TABLE " + table + " (uid bigint, created_at timestamp, file_location text, size_bytes bigint, archived boolean)");
    try {
      SourceTable ints = new SourceTable(table, "uid", "created_at", "file_location", "size_bytes", "archived");
      DatabaseSource source = new DatabaseSource(records.jdbc, ints, new AgeCutoff(7, Clock.fixed(NOW, ZoneOffset.UTC)), new Router(8), 1000);

      assertThatThrownBy(() -> source.scan(10)).isInstanceOf(IllegalStateException.class)
          .hasMessage("Column " + table + ".uid is of type int8; the database source needs text or varchar uids");
    } finally {
      TestPostgres.drop(table);
    }
  }

  @Test
  void aCreatedAtColumnThatIsNotATimestampIsRefusedWithTheReason() throws Exception {
    records.jdbc.execute("ALTER TABLE " + records.table + " ALTER COLUMN created_at TYPE date");

    assertThatThrownBy(() -> source(1000).scan(10)).isInstanceOf(IllegalStateException.class)
        .hasMessage("Column " + records.table + ".created_at is of type date; the database source needs timestamp "
            + "(naive, taken as UTC) or timestamptz");
  }

  @Test
  void timestamptzRowsAreComparedAsInstantsAndRoutedByTheirUtcDate() throws Exception {
    try (FileRecords zoned = new FileRecords(Files.createDirectory(dir.resolve("zoned")), "timestamptz")) {
      Path a = Files.writeString(dir.resolve("a"), "a");
      // 2024-03-03T11:30Z: before the cut-off (12:00Z) although its local time is 13:30
      zoned.insert("before", OffsetDateTime.parse("2024-03-03T13:30:00+02:00"), a.toString(), 1L, false);
      zoned.insert("after", OffsetDateTime.parse("2024-03-03T07:30:00-05:00"), a.toString(), 1L, false);
      DatabaseSource source = new DatabaseSource(zoned.jdbc, zoned.source(), new AgeCutoff(7, Clock.fixed(NOW, ZoneOffset.UTC)), new Router(8), 1);

      FileSource.Scan scan = source.scan(10);

      assertThat(scan.files()).singleElement().satisfies(f -> {
        assertThat(f.uid()).isEqualTo("before");
        assertThat(f.createdAt()).isEqualTo(CreatedAt.parse("2024-03-03T11:30:00+00:00"));
      });
      assertThat(source.describe()).containsEntry("created_at_type", "timestamptz");
    }
  }
}
