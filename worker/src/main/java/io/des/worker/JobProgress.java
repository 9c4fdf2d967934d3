package io.des.worker;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a worker checkpoints about a job: how far it got, under which fencing token the store
 * recorded it. A successor that finds {@link Phase#COMMITTED} skips straight to marking the sources.
 *
 * @param rejected uids of files that could not be packed, with the reason; never marked
 */
record JobProgress(Phase phase, List<String> shards, long packed, long skipped, Map<String, String> rejected) {
  enum Phase {
    /** Shards are being written; whatever is committed is in the catalog, the rest is redone. */
    PACKING,
    /** Every packable file is in a live shard; the sources are not marked yet. */
    COMMITTED
  }

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static JobProgress packing() {
    return new JobProgress(Phase.PACKING, List.of(), 0, 0, Map.of());
  }

  byte[] toJson() {
    return MAPPER.writeValueAsBytes(this);
  }

  static JobProgress fromJson(byte[] json) {
    return MAPPER.readValue(json, JobProgress.class);
  }
}
