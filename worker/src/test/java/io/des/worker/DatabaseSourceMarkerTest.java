package io.des.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.job.JobFile;
import io.des.job.PackJob;
import io.des.job.SourceKind;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** {@link DatabaseSourceMarker} against a real PostgreSQL table of its own. */
class DatabaseSourceMarkerTest {
  private static final CreatedAt CREATED_AT = CreatedAt.of(LocalDateTime.parse("2024-01-01T10:00:00"));

  @TempDir Path dir;
  private final String table = TestPostgres.uniqueName("marked");
  private SingleConnectionDataSource connection;
  private JdbcTemplate jdbc;
  private DatabaseSourceMarker marker;

  @BeforeEach
  void createTable() throws Exception {
    TestPostgres.execute("CREATE TABLE " + table + " (uid text PRIMARY KEY, created_at timestamp, file_location text, "
        + "size_bytes bigint, archived boolean)");
    connection = new SingleConnectionDataSource(TestPostgres.connect(), true);
    jdbc = new JdbcTemplate(connection);
    marker = new DatabaseSourceMarker(jdbc, table, "uid", "archived");
  }

  @AfterEach
  void dropTable() throws Exception {
    if (connection != null) {
      connection.destroy();
    }
    TestPostgres.drop(table);
  }

  private List<JobFile> rows(int count, Boolean archived) throws Exception {
    List<JobFile> files = new ArrayList<>();
    List<Object[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String uid = String.format("doc-%05d", i);
      Path file = Files.writeString(dir.resolve(uid), uid);
      values.add(new Object[] {uid, CREATED_AT.local(), file.toString(), Files.size(file), archived});
      files.add(new JobFile(uid, CREATED_AT, Files.size(file), file.toString()));
    }
    jdbc.batchUpdate("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)", values);
    return files;
  }

  private static PackJob job(List<JobFile> files) {
    return new PackJob("20240101_00-test", ShardKey.parse("20240101_00"), 8, SourceKind.DATABASE, files);
  }

  private Map<String, Boolean> archived() {
    return jdbc.query("SELECT uid, archived FROM " + table, (rs, n) -> Map.entry(rs.getString(1), (Boolean) rs.getObject(2)))
        .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() == null ? Boolean.FALSE : e.getValue()));
  }

  /** The row versions: an UPDATE that writes a row gives it a new xmin. */
  private List<String> versions() {
    return jdbc.queryForList("SELECT xmin::text FROM " + table + " ORDER BY uid", String.class);
  }

  @Test
  void flagsExactlyTheGivenRowsAndLeavesTheFilesAlone() throws Exception {
    List<JobFile> files = rows(4, false);

    marker.mark(job(files.subList(0, 2)), files.subList(0, 2));

    assertThat(archived()).containsEntry("doc-00000", true).containsEntry("doc-00001", true)
        .containsEntry("doc-00002", false).containsEntry("doc-00003", false);
    assertThat(files).allSatisfy(f -> assertThat(Path.of(f.location())).exists());
  }

  @Test
  void rowsWithNullArchivedAreFlagged() throws Exception {
    List<JobFile> files = rows(3, null);

    marker.mark(job(files), files);

    assertThat(archived()).containsOnlyKeys("doc-00000", "doc-00001", "doc-00002").allSatisfy((uid, a) -> assertThat(a).isTrue());
  }

  @Test
  void markingTwiceWritesNothingTheSecondTime() throws Exception {
    List<JobFile> files = rows(3, false);
    marker.mark(job(files), files);
    List<String> afterFirst = versions();

    marker.mark(job(files), files);

    assertThat(versions()).isEqualTo(afterFirst);
    assertThat(archived().values()).containsOnly(true);
  }

  @Test
  void moreUidsThanAChunkAreAllFlagged() throws Exception {
    List<JobFile> files = rows(2 * DatabaseSourceMarker.CHUNK + 1, false);

    marker.mark(job(files), files);

    assertThat(archived()).hasSize(files.size()).allSatisfy((uid, a) -> assertThat(a).as(uid).isTrue());
  }

  @Test
  void configuredColumnNamesAreUsed() throws Exception {
    String other = TestPostgres.uniqueName("renamed");
    TestPostgres.execute("CREATE TABLE " + other + " (file_id varchar(64), done boolean)",
        "INSERT INTO " + other + " VALUES ('a', false), ('b', NULL), ('c', false)");
    try {
      DatabaseSourceMarker renamed = new DatabaseSourceMarker(jdbc, other, "file_id", "done");
      List<JobFile> files = List.of(new JobFile("a", CREATED_AT, 1, "/x/a"), new JobFile("b", CREATED_AT, 1, "/x/b"));

      renamed.mark(job(files), files);

      assertThat(jdbc.queryForList("SELECT file_id FROM " + other + " WHERE done ORDER BY file_id", String.class)).containsExactly("a", "b");
    } finally {
      TestPostgres.drop(other);
    }
  }

  @Test
  void namesThatAreNotPlainIdentifiersAreRefused() {
    assertThatThrownBy(() -> new DatabaseSourceMarker(jdbc, "files; DROP TABLE x", "uid", "archived"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a plain SQL identifier for the table: 'files; DROP TABLE x'");
    assertThatThrownBy(() -> new DatabaseSourceMarker(jdbc, "public.files", "uid", "archived = TRUE, uid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Not a plain SQL identifier for the archived column: 'archived = TRUE, uid'");
  }
}
