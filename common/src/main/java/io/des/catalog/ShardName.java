package io.des.catalog;

import io.des.routing.ShardKey;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file name of a shard: upstream's {@code YYYYMMDD_HEX_NNNN.des} for a first version, and
 * {@code YYYYMMDD_HEX_NNNN_Rnnn.des} for repacked versions (revision 2 and up). The sequence number
 * NNNN is never reused within a shard key.
 */
public record ShardName(ShardKey key, int seq, int revision) implements Comparable<ShardName> {

  private static final Pattern PATTERN =
      Pattern.compile("(\\d{7,8})_([0-9A-F]{1,4})_(\\d{4,9})(?:_R(\\d{3,9}))?\\.des");

  public ShardName {
    if (seq < 0) {
      throw new IllegalArgumentException("Shard sequence must be >= 0, got " + seq);
    }
    if (revision < 1) {
      throw new IllegalArgumentException("Shard revision must be >= 1, got " + revision);
    }
  }

  public static ShardName first(ShardKey key, int seq) {
    return new ShardName(key, seq, 1);
  }

  /** The next version of this shard, as a repack writes it. */
  public ShardName nextRevision() {
    return new ShardName(key, seq, revision + 1);
  }

  public String fileName() {
    String base = key.dateDir() + "_" + key.shardHex() + "_" + zeroPadded(seq, 4);
    return revision == 1 ? base + ".des" : base + "_R" + zeroPadded(revision, 3) + ".des";
  }

  /**
   * {@code String.format("%0<width>d", value)} for a value of at least 0, without the formatter
   * (which was a fifth of a packing thread's own CPU, for names made once per shard).
   */
  static String zeroPadded(long value, int width) {
    String digits = Long.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** Parses a file name (no folder); empty when it is not a shard name. */
  public static Optional<ShardName> parse(String fileName) {
    Matcher m = PATTERN.matcher(fileName);
    if (!m.matches()) {
      return Optional.empty();
    }
    int revision = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
    if (revision < 2 && m.group(4) != null) {
      return Optional.empty();
    }
    return Optional.of(new ShardName(new ShardKey(m.group(1), m.group(2)), Integer.parseInt(m.group(3)), revision));
  }

  @Override
  public int compareTo(ShardName o) {
    int c = key.toString().compareTo(o.key.toString());
    if (c == 0) {
      c = Integer.compare(seq, o.seq);
    }
    return c == 0 ? Integer.compare(revision, o.revision) : c;
  }

  @Override
  public String toString() {
    return fileName();
  }
}
