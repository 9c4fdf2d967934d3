package io.des.worker;

import io.des.job.JobFile;
import io.des.job.PackJob;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Flags the job's rows {@code archived = true}, in one statement per chunk of uids. Rows already
 * flagged stay flagged, so a redelivered job is harmless.
 */
final class DatabaseSourceMarker implements SourceMarker {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final int CHUNK = 1000;

  private final JdbcTemplate jdbc;
  private final String update;

  DatabaseSourceMarker(JdbcTemplate jdbc, String table) {
    if (!IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException("Not a table name: '" + table + "'");
    }
    this.jdbc = jdbc;
    this.update = "UPDATE " + table + " SET archived = TRUE WHERE uid = ANY (?) AND NOT archived";
  }

  @Override
  public void mark(PackJob job, List<JobFile> files) {
    for (int from = 0; from < files.size(); from += CHUNK) {
      String[] uids = files.subList(from, Math.min(files.size(), from + CHUNK)).stream().map(JobFile::uid).toArray(String[]::new);
      jdbc.update(con -> {
        var statement = con.prepareStatement(update);
        statement.setArray(1, con.createArrayOf("text", uids));
        return statement;
      });
    }
  }
}
