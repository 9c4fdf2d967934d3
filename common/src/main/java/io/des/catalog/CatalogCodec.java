package io.des.catalog;

import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON form of a catalog generation (docs/catalog.md). */
final class CatalogCodec {
  private CatalogCodec() {}

  static final int FORMAT = 1;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static byte[] write(CatalogState s) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("key", s.key().toString());
    root.put("generation", s.generation());
    root.put("n_bits", s.nBits());
    root.put("next_seq", s.nextSeq());
    root.put("fence", s.fence());
    root.put("committed_at", s.committedAt().toString());
    root.put("committed_by", s.committedBy());
    List<Map<String, Object>> shards = new ArrayList<>();
    for (LiveShard shard : s.shards()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", shard.name());
      m.put("size", shard.size());
      m.put("entries", shard.entries());
      shards.add(m);
    }
    root.put("shards", shards);
    List<Map<String, Object>> retired = new ArrayList<>();
    for (RetiredShard r : s.retired()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.name());
      m.put("replaced_by", r.replacedBy());
      m.put("retired_at", r.retiredAt().toString());
      retired.add(m);
    }
    root.put("retired", retired);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  /**
   * Parses a generation and checks that it is the one expected.
   *
   * @throws CorruptCatalogException naming the blob when anything is off
   */
  static CatalogState read(String where, byte[] json, ShardKey expectedKey, long expectedGeneration)
      throws CorruptCatalogException {
    try {
      JsonNode root = MAPPER.readTree(json);
      int format = root.path("format").asInt(-1);
      if (format != FORMAT) {
        throw new CorruptCatalogException(where, "format " + root.path("format") + ", expected " + FORMAT);
      }
      String key = text(root, "key");
      if (!key.equals(expectedKey.toString())) {
        throw new CorruptCatalogException(where, "key " + key + ", expected " + expectedKey);
      }
      long generation = root.path("generation").asLong(-1);
      if (expectedGeneration >= 0 && generation != expectedGeneration) {
        throw new CorruptCatalogException(where, "generation " + generation + ", expected " + expectedGeneration);
      }
      List<LiveShard> shards = new ArrayList<>();
      for (JsonNode n : root.path("shards")) {
        shards.add(new LiveShard(text(n, "name"), n.path("size").asLong(), n.path("entries").asLong()));
      }
      List<RetiredShard> retired = new ArrayList<>();
      for (JsonNode n : root.path("retired")) {
        // replaced_by is null when a repack dropped every entry of the shard
        String replacedBy = n.path("replaced_by").isNull() ? null : text(n, "replaced_by");
        retired.add(new RetiredShard(text(n, "name"), replacedBy, Instant.parse(text(n, "retired_at"))));
      }
      return new CatalogState(
          expectedKey,
          generation,
          root.path("n_bits").asInt(0),
          root.path("next_seq").asInt(0),
          root.path("fence").asLong(0),
          shards,
          retired,
          Instant.parse(text(root, "committed_at")),
          root.path("committed_by").asString(""));
    } catch (JacksonException | IllegalArgumentException | java.time.DateTimeException e) {
      throw new CorruptCatalogException(where, e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isString()) {
      throw new IllegalArgumentException("missing or non-text field '" + field + "'");
    }
    return v.asString();
  }

  static String describe(byte[] json) {
    return new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8);
  }
}
