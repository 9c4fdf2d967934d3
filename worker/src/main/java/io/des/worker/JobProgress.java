package io.des.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * What a worker checkpoints about a job: how far it got. A successor that finds {@link
 * Phase#COMMITTED} skips straight to marking the sources; one that finds {@link Phase#PACKING}
 * with a pack checkpoint resumes the shard being written from it.
 *
 * @param rejected uids of files that could not be packed, with the reason; never marked
 * @param pack the packer's checkpoint of the shard being written (JSON, embedded as it is), or null
 */
record JobProgress(Phase phase, List<String> shards, long packed, long skipped, Map<String, String> rejected, byte[] pack) {
  enum Phase {
    /** Shards are being written; whatever is committed is in the catalog, the rest is redone. */
    PACKING,
    /** Every packable file is in a live shard; the sources are not marked yet. */
    COMMITTED
  }

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static JobProgress packing() {
    return new JobProgress(Phase.PACKING, List.of(), 0, 0, Map.of(), null);
  }

  /** The fields besides {@code pack}, as the JSON holds them. */
  @JsonIgnoreProperties("pack")
  private record Fields(Phase phase, List<String> shards, long packed, long skipped, Map<String, String> rejected) {}

  /**
   * The JSON a checkpoint saves. The packer's checkpoint is JSON already and goes in as it is:
   * Base64-encoding it again (as checkpoints did until 2026-11-27) made a third of a checkpoint's
   * bytes, which grow with the shard's index.
   */
  byte[] toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("phase", phase);
    root.put("shards", shards);
    root.put("packed", packed);
    root.put("skipped", skipped);
    root.put("rejected", rejected);
    root.put("pack", pack == null ? null : new RawValue(new String(pack, StandardCharsets.UTF_8)));
    return MAPPER.writeValueAsBytes(root);
  }

  /** Reads what {@link #toJson} wrote, and checkpoints of the earlier form ({@code pack} in Base64). */
  static JobProgress fromJson(byte[] json) {
    JsonNode root = MAPPER.readTree(json);
    Fields f = MAPPER.treeToValue(root, Fields.class);
    JsonNode pack = root.path("pack");
    byte[] packed = pack.isString() ? Base64.getDecoder().decode(pack.stringValue())
        : pack.isObject() ? MAPPER.writeValueAsBytes(pack)
        : null;
    return new JobProgress(f.phase(), f.shards(), f.packed(), f.skipped(), f.rejected(), packed);
  }
}
