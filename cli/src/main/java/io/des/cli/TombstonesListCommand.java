package io.des.cli;

import io.des.tombstone.ErasureRecord;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/** {@code des tombstones list}: one line per tombstone, streamed in name order. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists tombstones, one a line (--json: one JSON object a line), with their erasure status (pending or erased).")
final class TombstonesListCommand extends TombstonesCommand.StatusReport {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Option(names = "--pending", description = "Only tombstones whose file's bytes are not erased yet.") boolean pendingOnly;

  @Override
  boolean pendingOnly() {
    return pendingOnly;
  }

  @Override
  void report(PrintWriter out, Stream<TombstoneStore.Status> statuses) {
    if (!json) {
      out.println(String.join("\t", fields(null).keySet()));
    }
    for (TombstoneStore.Status s : (Iterable<TombstoneStore.Status>) statuses::iterator) {
      Map<String, Object> line = fields(s);
      out.println(json ? JSON.writeValueAsString(line) : String.join("\t", line.values().stream().map(v -> v == null ? "-" : v.toString()).toList()));
    }
  }

  /** The columns of one tombstone, in order; with a null status, the column names. */
  private static Map<String, Object> fields(TombstoneStore.Status status) {
    Tombstone t = status == null ? null : status.tombstone();
    ErasureRecord e = status == null ? null : status.erasure();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("key", t == null ? null : t.key().toString());
    line.put("uid", t == null ? null : t.uid());
    line.put("created_at", t == null ? null : t.createdAt());
    line.put("deleted_at", t == null ? null : t.deletedAt().toString());
    line.put("deleted_by", t == null ? null : t.deletedBy());
    line.put("reason", t == null ? null : t.reason().wire());
    line.put("ticket", t == null ? null : t.ticketId());
    line.put("erase_by", t == null ? null : t.eraseBy().toString());
    line.put("status", status == null ? null : status.pending() ? "pending" : "erased");
    line.put("removed_by", e == null ? null : e.removedBy());
    line.put("purged_at", e == null ? null : e.purgedAt().toString());
    return line;
  }
}
