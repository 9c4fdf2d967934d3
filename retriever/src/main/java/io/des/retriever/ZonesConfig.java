package io.des.retriever;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The upstream zones file (YAML or JSON): {@code n_bits} and {@code zones}, each with a {@code name},
 * an inclusive shard-index {@code range} and an {@code s3} section ({@code bucket}, {@code prefix},
 * {@code endpoint_url}). DES adds, per zone, {@code replicas}: more locations in fallback order,
 * each an {@code s3} section or a {@code store} (a folder or {@code s3://bucket/prefix}); a zone may
 * also give {@code store} instead of {@code s3}.
 */
record ZonesConfig(int nBits, List<Zone> zones) {

  /** One location of a zone's shards. */
  record Location(String store, java.net.URI endpoint) {}

  record Zone(String name, int start, int end, List<Location> replicas) {}

  static ZonesConfig load(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    JsonNode root;
    try {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        root = YAMLMapper.builder().build().readTree(Files.readString(file));
      } else if (name.endsWith(".json")) {
        root = JsonMapper.builder().build().readTree(Files.readString(file));
      } else {
        throw new IllegalArgumentException("Zones file must be .yaml, .yml or .json: " + file);
      }
    } catch (JacksonException e) {
      throw new IllegalArgumentException("Zones file " + file + " is not valid: " + e.getOriginalMessage());
    }
    return parse(root);
  }

  static ZonesConfig parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Zones file must be a mapping with 'zones'");
    }
    int nBits = root.path("n_bits").asInt(8);
    int max = (1 << nBits) - 1;
    JsonNode zones = root.get("zones");
    if (zones == null || !zones.isArray()) {
      throw new IllegalArgumentException("'zones' must be a list");
    }
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("At least one zone is required");
    }
    List<Zone> parsed = new ArrayList<>();
    for (int i = 0; i < zones.size(); i++) {
      JsonNode z = zones.get(i);
      if (!z.hasNonNull("name") || !z.hasNonNull("range") || !(z.hasNonNull("s3") || z.hasNonNull("store"))) {
        throw new IllegalArgumentException("Each zone must have 'name', 'range', and 's3' sections");
      }
      int start = z.path("range").path("start").asInt(-1);
      int end = z.path("range").path("end").asInt(-1);
      if (start < 0 || end < 0 || start > end || end > max) {
        throw new IllegalArgumentException("Zone '" + z.get("name").asString() + "' has range " + start + ".." + end
            + ", expected 0 <= start <= end <= " + max);
      }
      for (Zone other : parsed) {
        if (start <= other.end() && other.start() <= end) {
          throw new IllegalArgumentException("Overlapping zone range detected at index " + i);
        }
      }
      List<Location> replicas = new ArrayList<>();
      replicas.add(location(z));
      for (JsonNode r : z.path("replicas")) {
        replicas.add(location(r));
      }
      parsed.add(new Zone(z.get("name").asString(), start, end, List.copyOf(replicas)));
    }
    return new ZonesConfig(nBits, List.copyOf(parsed));
  }

  private static Location location(JsonNode node) {
    if (node.hasNonNull("store")) {
      return new Location(node.get("store").asString(), null);
    }
    JsonNode s3 = node.path("s3");
    if (!s3.hasNonNull("bucket")) {
      throw new IllegalArgumentException("An s3 section needs a 'bucket'");
    }
    String prefix = s3.path("prefix").asString("");
    String endpoint = s3.path("endpoint_url").asString(null);
    return new Location("s3://" + s3.get("bucket").asString() + (prefix.isEmpty() ? "" : "/" + prefix),
        endpoint == null || endpoint.isEmpty() ? null : java.net.URI.create(endpoint));
  }
}
