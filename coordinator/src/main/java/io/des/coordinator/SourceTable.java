package io.des.coordinator;

import java.util.regex.Pattern;

/**
 * The table of file records and its column names, and the SQL the database source runs on it.
 * Names are checked to be plain SQL identifiers (the table optionally schema-qualified) because
 * they are written into the statements; values are always bound as parameters.
 *
 * <p>A row is pending when {@code archived IS NOT TRUE}: NULL counts as not archived (upstream's
 * {@code archived IS FALSE} never picks NULL rows up).
 *
 * @param sizeBytes the declared size column, or null when the table has none
 */
record SourceTable(String table, String uid, String createdAt, String fileLocation, String sizeBytes, String archived) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  SourceTable {
    check(QUALIFIED, "table", table);
    check(NAME, "uid column", uid);
    check(NAME, "created_at column", createdAt);
    check(NAME, "file_location column", fileLocation);
    if (sizeBytes != null && sizeBytes.isBlank()) {
      sizeBytes = null;
    }
    if (sizeBytes != null) {
      check(NAME, "size_bytes column", sizeBytes);
    }
    check(NAME, "archived column", archived);
  }

  private static void check(Pattern pattern, String what, String name) {
    if (name == null || !pattern.matcher(name).matches()) {
      throw new IllegalArgumentException("Not a plain SQL identifier for the " + what + ": '" + name + "'");
    }
  }

  /** Column positions in the result of {@link #firstPage} and {@link #nextPage}. */
  static final int UID = 1, CREATED_AT = 2, FILE_LOCATION = 3, SIZE_BYTES = 4;

  /** Reads no row; checks that the table and columns exist and tells their types. */
  String probe() {
    return "SELECT " + columns() + ", " + archived + " FROM " + table + " WHERE FALSE";
  }

  /** Pending rows before the cut-off, oldest first; parameters: cut-off, limit. */
  String firstPage(Cutoff.Bound bound) {
    return "SELECT " + columns() + " FROM " + table + " WHERE " + pending(bound) + order();
  }

  /** The page after a row; parameters: cut-off, the row's created_at and uid, limit. */
  String nextPage(Cutoff.Bound bound) {
    return "SELECT " + columns() + " FROM " + table + " WHERE " + pending(bound)
        + " AND (" + createdAt + ", " + uid + ") > (?, ?)" + order();
  }

  /** The created_at of the oldest pending row up to a point; parameter: the point (inclusive). */
  String oldestPending() {
    return "SELECT min(" + createdAt + ") FROM " + table + " WHERE " + pending(Cutoff.Bound.UP_TO);
  }

  /** True when some row up to a point is pending; parameter: the point (inclusive). */
  String anyPending() {
    return "EXISTS (SELECT 1 FROM " + table + " WHERE " + pending(Cutoff.Bound.UP_TO) + ")";
  }

  private String pending(Cutoff.Bound bound) {
    return archived + " IS NOT TRUE AND " + createdAt + " " + bound.operator() + " ?";
  }

  private String order() {
    return " ORDER BY " + createdAt + ", " + uid + " LIMIT ?";
  }

  private String columns() {
    return uid + ", " + createdAt + ", " + fileLocation + (sizeBytes != null ? ", " + sizeBytes : "");
  }
}
