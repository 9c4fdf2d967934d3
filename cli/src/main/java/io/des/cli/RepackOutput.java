package io.des.cli;

import io.des.catalog.RetiredShard;
import io.des.repack.PurgeReport;
import io.des.repack.RepackPlan;
import io.des.repack.RepackReport;
import io.des.repack.ShardPlan;
import io.des.repack.ShardRepack;
import io.des.routing.ShardKey;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code des repack} prints: each key as it is planned or done, then the totals. Nothing is
 * collected but the totals, so memory does not grow with the number of keys.
 */
abstract class RepackOutput {
  /**
   * One key's run.
   *
   * @param lastPurge the purge of the versions that became due during the run (a grace of 0), or null
   */
  record Done(long fence, RepackReport report, PurgeReport lastPurge) {
    List<String> purged() {
      List<String> all = new ArrayList<>(report.purged().deleted());
      if (lastPurge != null) {
        all.addAll(lastPurge.deleted());
      }
      return all;
    }

    long erasureRecords() {
      return report.purged().erasureRecords() + (lastPurge == null ? 0 : lastPurge.erasureRecords());
    }

    /** Versions due that a purge kept for a later one, with why. */
    List<String> heldBack() {
      List<String> all = new ArrayList<>(report.purged().heldBack());
      if (lastPurge != null) {
        all.addAll(lastPurge.heldBack());
      }
      return all;
    }
  }

  final boolean dryRun;
  long keys;
  long shards;
  long entries; // dropped as deleted, or (dry run) tombstoned in the shards to repack
  long corruptEntries;
  long bytes; // saved, or (dry run) to be saved
  long corruptShards;
  long purged; // or (dry run) due
  long purgeLater;
  long erasureRecords;
  long failedKeys;

  RepackOutput(boolean dryRun) {
    this.dryRun = dryRun;
  }

  /** A key's plan (dry run); keys with nothing to show are skipped. */
  final void plan(RepackPlan plan, Predicate<ShardPlan> selected, Set<String> corrupt) {
    if (plan.shards().isEmpty() && corrupt.isEmpty() && plan.purgeDue().isEmpty() && plan.purgeLater().isEmpty()
        && plan.orphansDue().isEmpty()) {
      return;
    }
    keys++;
    for (ShardPlan p : plan.shards()) {
      if (selected.test(p)) {
        shards++;
        entries += p.tombstoned();
        bytes += p.tombstonedBytes();
      }
    }
    shards += corrupt.stream().filter(c -> plan.shards().stream().noneMatch(p -> p.shard().equals(c) && selected.test(p))).count();
    corruptShards += corrupt.size();
    purged += plan.purgeDue().size() + plan.orphansDue().size();
    purgeLater += plan.purgeLater().size();
    writePlan(plan, selected, corrupt);
  }

  final void done(ShardKey key, Done done) {
    keys++;
    for (ShardRepack r : done.report().repacked()) {
      shards++;
      entries += r.dropped();
      corruptEntries += r.corruptDropped();
    }
    bytes += done.report().spaceSavedBytes();
    purged += done.purged().size();
    erasureRecords += done.erasureRecords();
    writeDone(key, done);
  }

  final void failed(ShardKey key, String message) {
    failedKeys++;
    writeFailed(key, message);
  }

  /** Prints the totals; whether every key succeeded. */
  final boolean finish() {
    writeSummary();
    return failedKeys == 0;
  }

  abstract void writePlan(RepackPlan plan, Predicate<ShardPlan> selected, Set<String> corrupt);

  abstract void writeDone(ShardKey key, Done done);

  abstract void writeFailed(ShardKey key, String message);

  abstract void writeSummary();

  static final class Text extends RepackOutput {
    private final PrintWriter out;

    Text(PrintWriter out, boolean dryRun) {
      super(dryRun);
      this.out = out;
    }

    @Override
    void writePlan(RepackPlan plan, Predicate<ShardPlan> selected, Set<String> corrupt) {
      out.printf("%s:%n", plan.key());
      for (ShardPlan p : plan.shards()) {
        out.printf("  %-8s%s: %,d of %,d entries deleted, %.1f%% of %,d bytes; %,d bytes to be saved%n",
            selected.test(p) ? "repack" : "skip", p.shard(), p.tombstoned(), p.entries(), 100 * p.deletedRatio(), p.bytes(),
            selected.test(p) ? p.tombstonedBytes() : 0);
      }
      for (String c : corrupt) {
        out.printf("  corrupt %s: failed its recorded verification; its corrupt entries are to be dropped%n", c);
      }
      for (RetiredShard r : plan.purgeDue()) {
        out.printf("  purge   %s (retired %s, replaced by %s)%n", r.name(), r.retiredAt(), r.replacedBy() == null ? "nothing" : r.replacedBy());
      }
      for (RetiredShard r : plan.purgeLater()) {
        out.printf("  later   %s (retired %s, replaced by %s; grace period not over)%n", r.name(), r.retiredAt(),
            r.replacedBy() == null ? "nothing" : r.replacedBy());
      }
      for (String o : plan.orphansDue()) {
        out.printf("  purge   %s (an orphan: no catalog lists it)%n", o);
      }
    }

    @Override
    void writeDone(ShardKey key, Done done) {
      for (ShardRepack r : done.report().repacked()) {
        out.printf("%s: %s -> %s: kept %,d, dropped %,d deleted, %,d corrupt; %,d -> %,d bytes%n", key, r.from(),
            r.to() == null ? "(emptied)" : r.to(), r.kept(), r.dropped(), r.corruptDropped(), r.bytesBefore(), r.bytesAfter());
        r.problems().forEach(p -> out.printf("    %s%n", p));
      }
      for (String p : done.purged()) {
        out.printf("%s: purged %s%n", key, p);
      }
      for (String h : done.heldBack()) {
        out.printf("%s: held back %s%n", key, h);
      }
      if (done.erasureRecords() > 0) {
        out.printf("%s: %,d erasure record(s) written%n", key, done.erasureRecords());
      }
    }

    @Override
    void writeFailed(ShardKey key, String message) {
      out.printf("%s: FAILED: %s%n", key, message);
    }

    @Override
    void writeSummary() {
      if (dryRun) {
        out.printf("Dry run, nothing changed: %,d key(s) to look at, %,d shard(s) to repack (%,d of them found corrupt), %,d deleted entries,"
            + " %,d bytes to be saved; %,d old version(s) to purge now, %,d later.%n", keys, shards, corruptShards, entries, bytes, purged, purgeLater);
      } else {
        out.printf("%,d key(s): %,d shard(s) repacked, %,d entries dropped as deleted, %,d as corrupt, %,d bytes saved;"
            + " %,d old version(s) purged, %,d erasure record(s) written; %,d key(s) failed.%n",
            keys, shards, entries, corruptEntries, bytes, purged, erasureRecords, failedKeys);
      }
      out.flush();
    }
  }

  /** {@code {"store", "dry_run", "keys": [...], then the totals from "key_count"}}, written as keys are done. */
  static final class Json extends RepackOutput {
    private final PrintWriter out;
    private final JsonGenerator json;

    Json(PrintWriter out, String store, boolean dryRun) {
      super(dryRun);
      this.out = out;
      this.json = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build().writerWithDefaultPrettyPrinter().createGenerator(out);
      json.writeStartObject();
      json.writeStringProperty("store", store);
      json.writeBooleanProperty("dry_run", dryRun);
      json.writeName("keys");
      json.writeStartArray();
    }

    @Override
    void writePlan(RepackPlan plan, Predicate<ShardPlan> selected, Set<String> corrupt) {
      Map<String, Object> key = new LinkedHashMap<>();
      key.put("key", plan.key().toString());
      key.put("shards", plan.shards().stream().map(p -> {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("shard", p.shard());
        s.put("entries", p.entries());
        s.put("deleted", p.tombstoned());
        s.put("deleted_ratio", p.deletedRatio());
        s.put("bytes", p.bytes());
        s.put("bytes_to_save", p.tombstonedBytes());
        s.put("selected", selected.test(p));
        return s;
      }).toList());
      key.put("corrupt", List.copyOf(corrupt));
      key.put("purge_due", plan.purgeDue().stream().map(Json::retired).toList());
      key.put("purge_later", plan.purgeLater().stream().map(Json::retired).toList());
      key.put("orphans_due", plan.orphansDue());
      write(key);
    }

    private static Map<String, Object> retired(RetiredShard r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("shard", r.name());
      m.put("replaced_by", r.replacedBy());
      m.put("retired_at", r.retiredAt().toString());
      return m;
    }

    @Override
    void writeDone(ShardKey key, Done done) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("key", key.toString());
      k.put("fence", done.fence());
      k.put("repacked", done.report().repacked().stream().map(r -> {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("from", r.from());
        s.put("to", r.to());
        s.put("kept", r.kept());
        s.put("dropped_deleted", r.dropped());
        s.put("dropped_corrupt", r.corruptDropped());
        s.put("repaired", r.repaired());
        s.put("bytes_before", r.bytesBefore());
        s.put("bytes_after", r.bytesAfter());
        s.put("problems", r.problems());
        return s;
      }).toList());
      k.put("purged", done.purged());
      k.put("held_back", done.heldBack());
      k.put("erasure_records", done.erasureRecords());
      write(k);
    }

    @Override
    void writeFailed(ShardKey key, String message) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("key", key.toString());
      k.put("error", message);
      write(k);
    }

    private void write(Map<String, Object> key) {
      json.writePOJO(key);
      json.flush();
    }

    @Override
    void writeSummary() {
      json.writeEndArray();
      json.writeNumberProperty("key_count", keys);
      json.writeNumberProperty(dryRun ? "shards_to_repack" : "shards_repacked", shards);
      json.writeNumberProperty(dryRun ? "deleted_entries" : "entries_dropped_deleted", entries);
      if (dryRun) {
        json.writeNumberProperty("corrupt_shards", corruptShards);
        json.writeNumberProperty("bytes_to_save", bytes);
        json.writeNumberProperty("versions_due", purged);
        json.writeNumberProperty("versions_later", purgeLater);
      } else {
        json.writeNumberProperty("entries_dropped_corrupt", corruptEntries);
        json.writeNumberProperty("bytes_saved", bytes);
        json.writeNumberProperty("versions_purged", purged);
        json.writeNumberProperty("erasure_records", erasureRecords);
      }
      json.writeNumberProperty("failed_keys", failedKeys);
      json.writeEndObject();
      json.close();
      out.println();
      out.flush();
    }
  }
}
