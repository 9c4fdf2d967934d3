package io.des.worker;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a worker checkpoints about a job: how far it got. A successor that finds {@link
 * Phase#COMMITTED} skips straight to marking the sources; one that finds {@link Phase#PACKING}
 * with a pack checkpoint resumes the shard being written from it.
 *
 * @param rejected uids of files that could not be packed, with the reason; never marked
 * @param pack the packer's checkpoint of the shard being written (JSON, base64 here), or null
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

  byte[] toJson() {
    return MAPPER.writeValueAsBytes(this);
  }

  static JobProgress fromJson(byte[] json) {
    return MAPPER.readValue(json, JobProgress.class);
  }
}
