package io.des.coordinator;

import io.des.routing.CreatedAt;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The SQL type of the created_at column, which decides how values are read and bound. A naive
 * {@code timestamp} is taken to be UTC, as upstream does: it becomes a naive {@link CreatedAt}, so it
 * routes by its own date exactly as upstream routes the same row, and cut-offs are bound as UTC wall
 * clock. A {@code timestamptz} becomes an aware value in UTC (routed by its UTC date, as upstream
 * routes it with a session time zone of UTC). Values are bound as java.time types, never as text, so
 * the session's time zone plays no part in any comparison.
 */
enum TimestampType {
  TIMESTAMP {
    @Override
    Object bind(Instant instant) {
      return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    @Override
    Object read(ResultSet rs, int column) throws SQLException {
      return rs.getObject(column, LocalDateTime.class);
    }

    @Override
    CreatedAt createdAt(Object value) {
      return CreatedAt.of((LocalDateTime) value);
    }

    @Override
    Instant instant(Object value) {
      return ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
    }
  },
  TIMESTAMPTZ {
    @Override
    Object bind(Instant instant) {
      return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    @Override
    Object read(ResultSet rs, int column) throws SQLException {
      return rs.getObject(column, OffsetDateTime.class);
    }

    @Override
    CreatedAt createdAt(Object value) {
      return CreatedAt.of(((OffsetDateTime) value).toInstant());
    }

    @Override
    Instant instant(Object value) {
      return ((OffsetDateTime) value).toInstant();
    }
  };

  /** The column's type from the driver's type name ({@code timestamp}, {@code timestamptz}). */
  static TimestampType of(String column, String sqlTypeName) {
    return switch (sqlTypeName.toLowerCase(Locale.ROOT)) {
      case "timestamp" -> TIMESTAMP;
      case "timestamptz" -> TIMESTAMPTZ;
      default -> throw new IllegalStateException("Column " + column + " is of type " + sqlTypeName
          + "; the database source needs timestamp (naive, taken as UTC) or timestamptz");
    };
  }

  /** A value to bind for comparisons with the column. */
  abstract Object bind(Instant instant);

  /** The column's value as its java.time type (null for NULL); bound back as is for keyset paging. */
  abstract Object read(ResultSet rs, int column) throws SQLException;

  /**
   * The created_at the file is routed and packed with.
   *
   * @throws io.des.routing.InvalidCreatedAtException outside the years 1..9999 (infinity included)
   */
  abstract CreatedAt createdAt(Object value);

  abstract Instant instant(Object value);
}
