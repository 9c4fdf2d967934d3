package io.des.coordinator;

import io.des.job.JobFile;
import io.des.job.SourceKind;
import io.des.pack.InputProblem;
import io.des.pack.PackPlanner;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A table of file records, as upstream's per-record migration reads it: a row is pending while
 * {@code archived IS NOT TRUE} (NULL is not archived) and due when its created_at is before the
 * {@link CutoffPolicy}'s cut-off. Files are read where {@code file_location} says (an absolute local
 * path every worker can read) and never deleted; workers flag the rows archived once packed.
 *
 * <p>Scans page through the due rows by keyset on {@code (created_at, uid)}, a page a query,
 * at most the scan's limit in all, and remember where they stopped: the next scan goes on from
 * there, and the one after the last row starts again at the oldest. So rows that stay pending (an
 * invalid row, a key busy with another job) never hide the rest of the table, and memory stays
 * bounded by the limit. Invalid rows (a uid the format refuses, a created_at that cannot be routed,
 * a missing file, a size other than {@code size_bytes}) come back as problems, each scan again.
 */
final class DatabaseSource implements FileSource {
  static final int PAGE_ROWS = 1000;
  private static final Set<String> TEXT_TYPES = Set.of("text", "varchar");

  private final JdbcTemplate jdbc;
  private final SourceTable table;
  private final CutoffPolicy cutoffs;
  private final Router router;
  private final int pageRows;
  private volatile TimestampType type;
  private Position cursor;
  private volatile Instant oldestPending;
  private volatile Cutoff lastCutoff;
  private volatile Position lastCursor;

  /** @param pageRows rows a query returns at most ({@link #PAGE_ROWS} in the app) */
  DatabaseSource(JdbcTemplate jdbc, SourceTable table, CutoffPolicy cutoffs, Router router, int pageRows) {
    if (pageRows < 1) {
      throw new IllegalArgumentException("pageRows must be positive: " + pageRows);
    }
    this.jdbc = jdbc;
    this.pageRows = pageRows;
    this.table = table;
    this.cutoffs = cutoffs;
    this.router = router;
  }

  /** The last row a scan read: the next page starts after it. */
  private record Position(Object createdAt, String uid) {}

  private record Row(String uid, Object createdAt, String location, Long size) {}

  @Override
  public String name() {
    return "database";
  }

  @Override
  public SourceKind kind() {
    return SourceKind.DATABASE;
  }

  @Override
  public synchronized Scan scan(int maxRows) {
    if (type == null) {
      type = probe();
    }
    Cutoff cutoff = cutoffs.next(jdbc, type);
    lastCutoff = cutoff;
    List<JobFile> files = new ArrayList<>();
    List<InputProblem> problems = new ArrayList<>();
    boolean fromOldest = cursor == null;
    int read = 0;
    while (read < maxRows) {
      int limit = Math.min(pageRows, maxRows - read);
      List<Row> rows = page(cutoff, limit);
      if (fromOldest && read == 0) {
        oldestPending = rows.isEmpty() ? null : type.instant(rows.get(0).createdAt());
      }
      for (Row row : rows) {
        take(row, files, problems);
      }
      read += rows.size();
      if (rows.size() < limit) {
        cursor = null; // the end: the next scan starts again at the oldest row
        break;
      }
      Row last = rows.get(rows.size() - 1);
      cursor = new Position(last.createdAt(), last.uid());
    }
    lastCursor = cursor;
    return new Scan(files, problems, oldestPending);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("table", table.table());
    d.put("created_at_type", type == null ? "not probed yet" : type.name().toLowerCase(Locale.ROOT));
    d.put("cutoff", lastCutoff == null ? null : lastCutoff.toString());
    d.putAll(cutoffs.describe());
    Position c = lastCursor;
    d.put("next_scan_after", c == null ? "the oldest row" : c.createdAt() + " " + c.uid());
    d.put("oldest_pending", oldestPending == null ? null : oldestPending.toString());
    return d;
  }

  /** Checks the table and its columns once, before the first scan, and learns created_at's type. */
  private TimestampType probe() {
    return jdbc.query(table.probe(), rs -> {
      ResultSetMetaData meta = rs.getMetaData();
      String uidType = meta.getColumnTypeName(SourceTable.UID);
      if (!TEXT_TYPES.contains(uidType)) {
        throw new IllegalStateException("Column " + table.table() + "." + table.uid() + " is of type " + uidType
            + "; the database source needs text or varchar uids");
      }
      return TimestampType.of(table.table() + "." + table.createdAt(), meta.getColumnTypeName(SourceTable.CREATED_AT));
    });
  }

  private List<Row> page(Cutoff cutoff, int limit) {
    Position after = cursor;
    String sql = after == null ? table.firstPage(cutoff.bound()) : table.nextPage(cutoff.bound());
    return jdbc.query(sql, ps -> {
      int i = 1;
      ps.setObject(i++, type.bind(cutoff.at()));
      if (after != null) {
        ps.setObject(i++, after.createdAt());
        ps.setString(i++, after.uid());
      }
      ps.setInt(i, limit);
    }, (rs, n) -> row(rs));
  }

  private Row row(ResultSet rs) throws SQLException {
    Long size = null;
    if (table.sizeBytes() != null) {
      long s = rs.getLong(SourceTable.SIZE_BYTES);
      size = rs.wasNull() ? null : s;
    }
    return new Row(rs.getString(SourceTable.UID), type.read(rs, SourceTable.CREATED_AT), rs.getString(SourceTable.FILE_LOCATION), size);
  }

  private void take(Row row, List<JobFile> files, List<InputProblem> problems) {
    String where = table.table() + "[" + (row.uid() == null ? "uid NULL, created_at " + row.createdAt() : row.uid()) + "]";
    SourceFile source = describe(row, where, problems);
    if (source == null) {
      return;
    }
    InputProblem problem = PackPlanner.validate(source, router);
    if (problem != null) {
      problems.add(problem);
      return;
    }
    try {
      long size = row.size() != null ? row.size() : Files.size(source.path());
      files.add(new JobFile(row.uid(), source.createdAt(), size, source.path().toString()));
    } catch (IOException e) {
      problems.add(new InputProblem(where, "cannot read the size of " + source.path() + ": " + e));
    }
  }

  /** The row as a file to check and pack, or null after adding why it cannot be one. */
  private SourceFile describe(Row row, String where, List<InputProblem> problems) {
    String reason = null;
    CreatedAt createdAt = null;
    Path path = null;
    if (row.uid() == null) {
      reason = table.uid() + " is NULL";
    } else if (row.location() == null) {
      reason = table.fileLocation() + " is NULL";
    } else if (row.size() != null && row.size() < 0) {
      reason = table.sizeBytes() + " is negative: " + row.size();
    } else {
      try {
        createdAt = type.createdAt(row.createdAt());
        path = Path.of(row.location());
        if (!path.isAbsolute()) {
          reason = table.fileLocation() + " '" + row.location() + "' is not an absolute local path";
        }
      } catch (InvalidPathException e) {
        reason = table.fileLocation() + " is not a local path: " + e.getMessage();
      } catch (IllegalArgumentException e) { // InvalidCreatedAtException: years outside 1..9999, infinity
        reason = e.getMessage();
      }
    }
    if (reason != null) {
      problems.add(new InputProblem(where, reason));
      return null;
    }
    return new SourceFile(row.uid(), createdAt, row.size() == null ? -1 : row.size(), path, where);
  }
}
