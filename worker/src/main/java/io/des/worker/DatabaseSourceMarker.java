package io.des.worker;

import io.des.job.JobFile;
import io.des.job.PackJob;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Flags the job's rows archived, in one statement per chunk of at most {@value #CHUNK} uids:
 * {@code UPDATE <table> SET <archived> = TRUE WHERE <uid> = ANY (?) AND <archived> IS NOT TRUE}.
 * Rows already flagged are not written again, so marking twice (a redelivered job) is a no-op; a
 * NULL archived counts as not archived, as in the coordinator's scan. The files are never touched.
 * Each chunk commits on its own: a failure part-way leaves some rows flagged, and the retried job
 * flags the rest.
 */
final class DatabaseSourceMarker implements SourceMarker {
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final int CHUNK = 1000;

  private final JdbcTemplate jdbc;
  private final String update;

  DatabaseSourceMarker(JdbcTemplate jdbc, String table, String uidColumn, String archivedColumn) {
    check(TABLE, "table", table);
    check(COLUMN, "uid column", uidColumn);
    check(COLUMN, "archived column", archivedColumn);
    this.jdbc = jdbc;
    this.update = "UPDATE " + table + " SET " + archivedColumn + " = TRUE WHERE " + uidColumn + " = ANY (?) AND "
        + archivedColumn + " IS NOT TRUE";
  }

  private static void check(Pattern pattern, String what, String name) {
    if (name == null || !pattern.matcher(name).matches()) {
      throw new IllegalArgumentException("Not a plain SQL identifier for the " + what + ": '" + name + "'");
    }
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
