package io.des.routing;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A validated (date directory, shard hex) pair, the unit that shard files are grouped by. The date
 * directory is upstream's unpadded {@code %Y%m%d} (5 to 8 digits: year 999 gives "9990101") of a
 * real date; the hex is 1 to 4 uppercase hex digits.
 */
public record ShardKey(String dateDir, String shardHex) {

  public ShardKey {
    Objects.requireNonNull(dateDir, "dateDir");
    Objects.requireNonNull(shardHex, "shardHex");
    if (parseDateDir(dateDir) == null) {
      throw new IllegalArgumentException(
          "Invalid date directory "
              + Quoted.of(dateDir)
              + ": expected an unpadded year (1..9999) followed by MMDD, such as 20240101 or 9990101");
    }
    if (!isShardHex(shardHex)) {
      throw new IllegalArgumentException(
          "Invalid shard hex " + Quoted.of(shardHex) + ": expected 1 to 4 uppercase hex digits");
    }
  }

  /**
   * Mixed, where the record's {@code 31 * h(dateDir) + h(shardHex)} collided for whole ranges of
   * keys (dates a day apart differ by 31 in their hash, as shard hexes do), and every read looks
   * keys up in hash maps (catalogs, indexes).
   */
  @Override
  public int hashCode() {
    int h = dateDir.hashCode() * 0x9E3779B9 + shardHex.hashCode();
    return h ^ (h >>> 16);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardKey k && dateDir.equals(k.dateDir) && shardHex.equals(k.shardHex);
  }

  /**
   * Parses {@link #toString()}'s form, {@code <dateDir>_<shardHex>}.
   *
   * @throws IllegalArgumentException naming the input when it has no single underscore or either
   *     part is invalid
   */
  public static ShardKey parse(String text) {
    Objects.requireNonNull(text, "text");
    int underscore = text.indexOf('_');
    if (underscore < 0 || underscore != text.lastIndexOf('_')) {
      throw new IllegalArgumentException(
          "Invalid shard key " + Quoted.of(text) + ": expected <dateDir>_<shardHex> such as 20240101_39");
    }
    return new ShardKey(text.substring(0, underscore), text.substring(underscore + 1));
  }

  /** The calendar date the directory names. */
  public LocalDate date() {
    return parseDateDir(dateDir);
  }

  /**
   * The prefix every shard file of this key starts with, {@code <dateDir>_<shardHex>_}. The
   * trailing underscore matters: upstream lists without it, so with n_bits 5 the prefix for shard
   * "1" also matched shard "1F".
   */
  public String prefix() {
    return dateDir + "_" + shardHex + "_";
  }

  /** Upstream's documented (and never used) object key, {@code <dateDir>/<shardHex>.des}. */
  public String objectKey() {
    return dateDir + "/" + shardHex + ".des";
  }

  @Override
  public String toString() {
    return dateDir + "_" + shardHex;
  }

  private static LocalDate parseDateDir(String s) {
    int n = s.length();
    if (n < 5 || n > 8 || s.charAt(0) == '0') {
      return null;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    int year = Integer.parseInt(s, 0, n - 4, 10);
    int month = Integer.parseInt(s, n - 4, n - 2, 10);
    int day = Integer.parseInt(s, n - 2, n, 10);
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static boolean isShardHex(String s) {
    if (s.isEmpty() || s.length() > 4) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }
}
