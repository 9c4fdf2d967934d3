package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.routing.CreatedAt;
import io.des.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet with a database source: 10,000 rows of a fresh PostgreSQL table (upstream's columns,
 * naive created_at over two past days, size_bytes set) go through one coordinator with no landing
 * folder and two workers; every row ends archived, every file reads back through the retriever,
 * exactly once, with the right bytes, and every source file is still on disk.
 */
class FleetDatabaseTest {
  private static final int FILES = 10_000;

  @TempDir static Path tmp;
  private static Fleet fleet;
  private static final String TABLE = TestPostgres.uniqueName("fleet_files");

  @BeforeAll
  static void start() throws Exception {
    TestPostgres.execute("CREATE TABLE " + TABLE + " (uid text PRIMARY KEY, created_at timestamp NOT NULL, "
        + "file_location text NOT NULL, size_bytes bigint, archived boolean DEFAULT false)",
        "CREATE INDEX ON " + TABLE + " (created_at, uid) WHERE archived IS NOT TRUE");
    fleet = new Fleet(Path.of("target", "fleet-logs", "database"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (fleet != null) {
        fleet.close();
      }
    } finally {
      TestPostgres.drop(TABLE);
    }
  }

  /** Naive, as a {@code timestamp} column holds it: the same instants as the landing test, in UTC. */
  static CreatedAt createdAt(int i) {
    return CreatedAt.of(LocalDateTime.ofInstant(FleetEndToEndTest.createdAt(i), ZoneOffset.UTC));
  }

  private static void insertRows(Path dir) throws Exception {
    try (Connection c = TestPostgres.connect();
        PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (uid, created_at, file_location, size_bytes) VALUES (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < FILES; i++) {
        byte[] content = FleetEndToEndTest.content(i);
        Path file = Files.write(dir.resolve(FleetEndToEndTest.uid(i)), content);
        insert.setString(1, FleetEndToEndTest.uid(i));
        insert.setObject(2, createdAt(i).local());
        insert.setString(3, file.toString());
        insert.setLong(4, content.length);
        insert.addBatch();
        if (i % 1000 == 999) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
      c.commit();
    }
  }

  private static long pendingRows() throws Exception {
    try (Connection c = TestPostgres.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE archived IS NOT TRUE")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void tenThousandRowsGoThroughTwoWorkersAreArchivedAndReadBackExactlyOnce() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    insertRows(source);
    String[] database = {"--des.database.url=" + TestPostgres.URL, "--des.database.table=" + TABLE};

    AppProcess retriever = fleet.retriever();
    AppProcess coordinator = fleet.coordinator("coordinator", database);
    AppProcess w1 = fleet.worker("worker-1", database);
    AppProcess w2 = fleet.worker("worker-2", database);
    Fleet.awaitHealthy(Duration.ofMinutes(3), retriever, coordinator, w1, w2);

    Fleet.awaitNoneLeft("rows of " + TABLE + " still not archived", Duration.ofMinutes(4), FleetDatabaseTest::pendingRows,
        coordinator, w1, w2);

    assertThat(coordinator.get("/status")).contains("\"leader\":true").contains("\"failed\":0")
        .contains("\"database\":{\"table\":\"" + TABLE + "\"").doesNotContain("last_error");
    ReadBack.throughTheRetriever(retriever, FILES, FleetDatabaseTest::createdAt);
    ReadBack.eachInExactlyOneLiveShard(fleet, FILES, FleetDatabaseTest::createdAt);
    for (int i = 0; i < FILES; i++) {
      assertThat(source.resolve(FleetEndToEndTest.uid(i))).as("a database source's files are never deleted").exists();
    }
    assertThat(w1.log()).as("worker-1 finished jobs").contains(": DONE in ");
    assertThat(w2.log()).as("worker-2 finished jobs").contains(": DONE in ");
  }
}
