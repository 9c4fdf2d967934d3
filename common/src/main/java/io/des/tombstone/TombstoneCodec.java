package io.des.tombstone;

import io.des.routing.ShardKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON forms of tombstones and erasure records (docs/deletion.md). */
final class TombstoneCodec {
  private TombstoneCodec() {}

  static final int FORMAT = 1;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static byte[] write(Tombstone t) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("key", t.key().toString());
    root.put("uid", t.uid());
    root.put("created_at", t.createdAt());
    root.put("deleted_at", t.deletedAt().toString());
    root.put("deleted_by", t.deletedBy());
    root.put("reason", t.reason().wire());
    root.put("ticket_id", t.ticketId());
    root.put("erase_by", t.eraseBy().toString());
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  static byte[] write(ErasureRecord r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("key", r.key().toString());
    root.put("uid", r.uid());
    root.put("deleted_at", r.deletedAt().toString());
    root.put("removed_from", r.removedFrom());
    root.put("removed_by", r.removedBy());
    root.put("removed_at", r.removedAt() == null ? null : r.removedAt().toString());
    root.put("purged_at", r.purgedAt().toString());
    if (r.contentShared()) {
      root.put("content_shared", true); // absent otherwise: records of inline files are unchanged
    }
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  static Tombstone readTombstone(String where, byte[] json) throws CorruptTombstoneException {
    try {
      JsonNode root = root(where, json);
      String reason = text(root, "reason");
      return new Tombstone(
          ShardKey.parse(text(root, "key")),
          text(root, "uid"),
          text(root, "created_at"),
          Instant.parse(text(root, "deleted_at")),
          text(root, "deleted_by"),
          DeletionReason.parse(reason).orElseThrow(() -> new IllegalArgumentException("unknown reason " + reason)),
          optionalText(root, "ticket_id"),
          Instant.parse(text(root, "erase_by")));
    } catch (JacksonException | IllegalArgumentException | DateTimeException | NullPointerException e) {
      throw new CorruptTombstoneException(where, e.getMessage());
    }
  }

  static ErasureRecord readErasure(String where, byte[] json) throws CorruptTombstoneException {
    try {
      JsonNode root = root(where, json);
      String removedAt = optionalText(root, "removed_at");
      return new ErasureRecord(
          ShardKey.parse(text(root, "key")),
          text(root, "uid"),
          Instant.parse(text(root, "deleted_at")),
          optionalText(root, "removed_from"),
          optionalText(root, "removed_by"),
          removedAt == null ? null : Instant.parse(removedAt),
          Instant.parse(text(root, "purged_at")),
          root.path("content_shared").asBoolean(false));
    } catch (JacksonException | IllegalArgumentException | DateTimeException | NullPointerException e) {
      throw new CorruptTombstoneException(where, e.getMessage());
    }
  }

  private static JsonNode root(String where, byte[] json) throws CorruptTombstoneException {
    JsonNode root = MAPPER.readTree(json);
    int format = root.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new CorruptTombstoneException(where, "format " + root.path("format") + ", expected " + FORMAT);
    }
    return root;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isString()) {
      throw new IllegalArgumentException("missing or non-text field '" + field + "'");
    }
    return v.asString();
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : text(node, field);
  }
}
