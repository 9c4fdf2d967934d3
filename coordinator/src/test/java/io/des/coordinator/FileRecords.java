package io.des.coordinator;

import io.des.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A table of file records of its own in the test PostgreSQL, upstream's columns, with the files in
 * a folder; dropped on close.
 */
final class FileRecords implements AutoCloseable {
  final String table = TestPostgres.uniqueName("files");
  final JdbcTemplate jdbc;
  private final SingleConnectionDataSource connection;
  private final Path dir;

  /** @param createdAtType {@code timestamp} or {@code timestamptz} */
  FileRecords(Path dir, String createdAtType) throws SQLException {
    this.dir = dir;
    TestPostgres.execute("CREATE TABLE " + table + " (uid text, created_at " + createdAtType
        + ", file_location text, size_bytes bigint, archived boolean DEFAULT false)");
    this.connection = new SingleConnectionDataSource(TestPostgres.connect(), true);
    this.jdbc = new JdbcTemplate(connection);
  }

  SourceTable source() {
    return new SourceTable(table, "uid", "created_at", "file_location", "size_bytes", "archived");
  }

  /** Writes the file (its content is the uid) and a pending row with its size. */
  Path add(String uid, LocalDateTime createdAt) throws Exception {
    Path file = Files.writeString(dir.resolve(uid.isEmpty() ? "empty-uid" : uid), "content of " + uid, StandardCharsets.UTF_8);
    insert(uid, createdAt, file.toString(), Files.size(file), false);
    return file;
  }

  void insert(String uid, Object createdAt, String location, Long size, Boolean archived) {
    jdbc.update("INSERT INTO " + table + " (uid, created_at, file_location, size_bytes, archived) VALUES (?, ?, ?, ?, ?)",
        uid, createdAt, location, size, archived);
  }

  void archive(String... uids) {
    for (String uid : uids) {
      jdbc.update("UPDATE " + table + " SET archived = TRUE WHERE uid = ?", uid);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.destroy();
    TestPostgres.drop(table);
  }
}
