package io.des.worker;

import io.des.routing.ShardKey;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * Where the fleet's scrub is, as saved in the checkpoint store between runs: the last key scrubbed
 * in the current pass over the archive (null: the pass starts at the first key), when that pass
 * began, what it has found so far, and the outcome of the last completed pass. Kept as a few lines
 * of {@code name=value} text so that an operator can read it with {@code redis-cli}.
 *
 * @param lastPassSeconds how long the last completed pass took; negative before the first one
 */
record ScrubCursor(ShardKey cursor, Instant passStarted, long passShards, long passCorrupt, long lastPassShards, long lastPassCorrupt,
    double lastPassSeconds) {

  /** A first pass starting at {@code now}. */
  static ScrubCursor start(Instant now) {
    return new ScrubCursor(null, now, 0, 0, 0, 0, -1);
  }

  boolean passCompleted() {
    return lastPassSeconds >= 0;
  }

  /** This pass, moved on to {@code cursor} having checked {@code shards} of which {@code corrupt} failed. */
  ScrubCursor advance(ShardKey cursor, long shards, long corrupt) {
    return new ScrubCursor(cursor, passStarted, passShards + shards, passCorrupt + corrupt, lastPassShards, lastPassCorrupt,
        lastPassSeconds);
  }

  /** The pass ended at {@code now}: it becomes the last one, and a new one starts at the first key. */
  ScrubCursor passEnded(Instant now) {
    double seconds = Duration.between(passStarted, now).toMillis() / 1000.0;
    return new ScrubCursor(null, now, 0, 0, passShards, passCorrupt, Math.max(seconds, 0));
  }

  /**
   * Corrupt shards over verified shards in the last completed pass or, until one completes, in the
   * current pass so far; 0 when nothing was verified.
   */
  double corruptionRate() {
    long shards = passCompleted() ? lastPassShards : passShards;
    long corrupt = passCompleted() ? lastPassCorrupt : passCorrupt;
    return shards == 0 ? 0 : (double) corrupt / shards;
  }

  byte[] encode() {
    return ("format=1\n"
        + "cursor=" + (cursor == null ? "" : cursor) + "\n"
        + "pass_started=" + passStarted + "\n"
        + "pass_shards=" + passShards + "\n"
        + "pass_corrupt=" + passCorrupt + "\n"
        + "last_pass_shards=" + lastPassShards + "\n"
        + "last_pass_corrupt=" + lastPassCorrupt + "\n"
        + "last_pass_seconds=" + lastPassSeconds + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IllegalArgumentException naming the field if the text is not a cursor of format 1
   */
  static ScrubCursor decode(byte[] bytes) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Unreadable scrub cursor: " + e.getMessage(), e);
    }
    if (!"1".equals(p.getProperty("format"))) {
      throw new IllegalArgumentException("Unknown scrub cursor format '" + p.getProperty("format") + "', expected 1");
    }
    try {
      String cursor = p.getProperty("cursor", "");
      return new ScrubCursor(cursor.isEmpty() ? null : ShardKey.parse(cursor), Instant.parse(p.getProperty("pass_started")),
          Long.parseLong(p.getProperty("pass_shards")), Long.parseLong(p.getProperty("pass_corrupt")),
          Long.parseLong(p.getProperty("last_pass_shards")), Long.parseLong(p.getProperty("last_pass_corrupt")),
          Double.parseDouble(p.getProperty("last_pass_seconds")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Unreadable scrub cursor " + p + ": " + e.getMessage(), e);
    }
  }
}
