package io.des.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real PostgreSQL server the database tests run against: {@code DES_TEST_POSTGRES} (a JDBC URL)
 * or {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. Tests create tables of their own,
 * named by {@link #uniqueName}, and drop them; they never touch anything else. An unreachable server
 * fails the tests with a message saying how to start one: it never skips them.
 */
public final class TestPostgres {
  public static final String URL = System.getenv().getOrDefault("DES_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  private TestPostgres() {}

  /**
   * A new connection (auto-commit).
   *
   * @throws IllegalStateException when the server does not answer, naming what is missing
   */
  public static Connection connect() {
    try {
      return DriverManager.getConnection(URL);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL is not reachable at " + URL + " (" + e.getMessage() + "). The database "
          + "tests need a real server with a database 'test' that user postgres reaches over TCP with trust auth. "
          + "Start one as .ci/run does (Debian: apt-get install postgresql; pg_ctlcluster --skip-systemctl-redirect "
          + "$(ls /etc/postgresql) main start; 'host all postgres 127.0.0.1/32 trust' in pg_hba.conf; "
          + "createdb -h 127.0.0.1 -U postgres test), or point DES_TEST_POSTGRES at another JDBC URL.", e);
    }
  }

  /** {@code des_test_<what>_<8 random hex digits>}: a table name no other test run uses. */
  public static String uniqueName(String what) {
    return "des_test_" + what + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Runs the statements, in order, on a new connection. */
  public static void execute(String... sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  /** Drops the tables if they exist. */
  public static void drop(String... tables) throws SQLException {
    for (String table : tables) {
      execute("DROP TABLE IF EXISTS " + table);
    }
  }
}
