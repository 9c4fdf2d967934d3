package io.des.cli;

import io.des.routing.ShardKey;
import io.des.tombstone.TombstoneStore;
import io.des.tombstone.TombstoneTally;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code des tombstones stats}: per shard key, per day and in all, how many tombstones, how many
 * pending erasure, erased and overdue, and the oldest pending. Tombstones come in name order (a key's
 * together, a day's together), so each row is printed when its key or day ends: memory is one tally
 * per level, whatever the count.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = {
    "Counts tombstones per shard key, per day and in all: total, pending erasure, erased,",
    "overdue (erase_by passed, still pending) and the oldest pending (when deleted, how long ago)."})
final class TombstonesStatsCommand extends TombstonesCommand.StatusReport {
  @Override
  void report(PrintWriter out, Stream<TombstoneStore.Status> statuses) {
    Instant now = Instant.now();
    Rows rows = json ? new JsonRows(out) : new TextRows(out);
    TombstoneTally all = new TombstoneTally(now);
    TombstoneTally day = null;
    TombstoneTally key = null;
    ShardKey currentKey = null;
    for (TombstoneStore.Status s : (Iterable<TombstoneStore.Status>) statuses::iterator) {
      ShardKey k = s.tombstone().key();
      if (!k.equals(currentKey)) {
        if (key != null) {
          rows.key(currentKey, key);
          day.add(key);
        }
        if (currentKey == null || !k.dateDir().equals(currentKey.dateDir())) {
          if (day != null) {
            rows.day(currentKey.dateDir(), day);
            all.add(day);
          }
          day = new TombstoneTally(now);
          rows.startDay(k.dateDir());
        }
        currentKey = k;
        key = new TombstoneTally(now);
      }
      key.add(s);
    }
    if (key != null) {
      rows.key(currentKey, key);
      day.add(key);
      rows.day(currentKey.dateDir(), day);
      all.add(day);
    }
    rows.total(all);
  }

  /** The report, row by row as the tallies close. */
  private interface Rows {
    void startDay(String date);

    void key(ShardKey key, TombstoneTally tally);

    void day(String date, TombstoneTally tally);

    void total(TombstoneTally tally);
  }

  private static final class TextRows implements Rows {
    private final PrintWriter out;

    TextRows(PrintWriter out) {
      this.out = out;
      out.println("level\tname\ttotal\tpending\terased\toverdue\toldest_pending_deleted_at\toldest_pending_age");
    }

    @Override
    public void startDay(String date) {}

    @Override
    public void key(ShardKey key, TombstoneTally t) {
      row("key", key.toString(), t);
    }

    @Override
    public void day(String date, TombstoneTally t) {
      row("day", date, t);
    }

    @Override
    public void total(TombstoneTally t) {
      row("all", "-", t);
      out.flush();
    }

    private void row(String level, String name, TombstoneTally t) {
      out.printf("%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s%n", level, name, t.total(), t.pending(), t.erased(), t.overdue(),
          t.oldestPendingDeletedAt().map(Instant::toString).orElse("-"), t.oldestPendingAge().map(TextRows::age).orElse("-"));
    }

    /** {@code 2d03h04m}: enough to read against a 48-hour promise. */
    static String age(Duration d) {
      return String.format("%dd%02dh%02dm", d.toDays(), d.toHoursPart(), d.toMinutesPart());
    }
  }

  /** {@code {"now", "days": [{"date", "keys": [{"key", counts}], counts}], "total": {counts}}}. */
  private static final class JsonRows implements Rows {
    private final PrintWriter out;
    private final JsonGenerator json;

    JsonRows(PrintWriter out) {
      this.out = out;
      this.json = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build().writerWithDefaultPrettyPrinter().createGenerator(out);
      json.writeStartObject();
      json.writeName("days");
      json.writeStartArray();
    }

    @Override
    public void startDay(String date) {
      json.writeStartObject();
      json.writeStringProperty("date", date);
      json.writeName("keys");
      json.writeStartArray();
    }

    @Override
    public void key(ShardKey key, TombstoneTally t) {
      json.writeStartObject();
      json.writeStringProperty("key", key.toString());
      counts(t);
      json.writeEndObject();
    }

    @Override
    public void day(String date, TombstoneTally t) {
      json.writeEndArray();
      counts(t);
      json.writeEndObject();
    }

    @Override
    public void total(TombstoneTally t) {
      json.writeEndArray();
      json.writeName("total");
      json.writeStartObject();
      counts(t);
      json.writeEndObject();
      json.writeStringProperty("now", t.now().toString());
      json.writeEndObject();
      json.close();
      out.println();
      out.flush();
    }

    private void counts(TombstoneTally t) {
      json.writeNumberProperty("total", t.total());
      json.writeNumberProperty("pending", t.pending());
      json.writeNumberProperty("erased", t.erased());
      json.writeNumberProperty("overdue", t.overdue());
      json.writeStringProperty("oldest_pending_deleted_at", t.oldestPendingDeletedAt().map(Instant::toString).orElse(null));
      if (t.oldestPendingAge().isPresent()) {
        json.writeNumberProperty("oldest_pending_age_seconds", t.oldestPendingAge().get().toSeconds());
      } else {
        json.writeNullProperty("oldest_pending_age_seconds");
      }
    }
  }
}
