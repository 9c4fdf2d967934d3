package io.des.job;

import io.des.routing.ShardKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of a {@link RepackJob} on the repack topic (docs/fleet.md). Reading checks the
 * size, every field, that every shard is of the job's key, and that the id matches the content.
 */
public final class RepackJobCodec {
  private RepackJobCodec() {}

  static final int FORMAT = 1;
  /** Most shard names one job may list (a key has a handful of shards). */
  public static final int MAX_SHARDS = 10_000;

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  public static byte[] write(RepackJob job) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("kind", "repack");
    root.put("job_id", job.jobId());
    root.put("key", job.key().toString());
    root.put("shards", job.shards());
    root.put("corrupt", job.corrupt());
    root.put("purge", job.purge());
    root.put("reasons", job.reasons());
    return MAPPER.writeValueAsBytes(root);
  }

  /**
   * Parses and checks a repack job message.
   *
   * @throws InvalidJobException naming the first problem found
   */
  public static RepackJob read(byte[] message) throws InvalidJobException {
    if (message == null || message.length == 0) {
      throw new InvalidJobException("Empty repack job message");
    }
    if (message.length > JobCodec.MAX_BYTES) {
      throw new InvalidJobException("Repack job message of " + message.length + " bytes exceeds the limit of " + JobCodec.MAX_BYTES);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(message);
    } catch (JacksonException e) {
      throw new InvalidJobException("Repack job message is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidJobException("Repack job message is not a JSON object");
    }
    if (root.path("format").asInt(-1) != FORMAT || !"repack".equals(root.path("kind").asString(""))) {
      throw new InvalidJobException("Not a repack job of format " + FORMAT + ": format " + root.path("format") + ", kind " + root.path("kind"));
    }
    String jobId = JobCodec.text(root, "job_id", "repack job");
    try {
      ShardKey key = ShardKey.parse(JobCodec.text(root, "key", jobId));
      List<String> shards = names(root, "shards", jobId);
      List<String> corrupt = names(root, "corrupt", jobId);
      List<String> purge = names(root, "purge", jobId);
      List<String> reasons = names(root, "reasons", jobId);
      RepackJob job = new RepackJob(jobId, key, shards, corrupt, purge, reasons);
      String expected = RepackJob.idOf(key, shards, corrupt, purge, reasons);
      if (!expected.equals(jobId)) {
        throw new InvalidJobException("Job id " + jobId + " does not match its content (expected " + expected + ")");
      }
      return job;
    } catch (IllegalArgumentException e) { // bad key or shard name
      throw new InvalidJobException("Job " + jobId + ": " + e.getMessage(), e);
    }
  }

  private static List<String> names(JsonNode root, String field, String jobId) throws InvalidJobException {
    JsonNode array = root.get(field);
    if (array == null || !array.isArray()) {
      throw new InvalidJobException("Job " + jobId + ": '" + field + "' must be an array");
    }
    if (array.size() > MAX_SHARDS) {
      throw new InvalidJobException("Job " + jobId + ": '" + field + "' has " + array.size() + " items, more than " + MAX_SHARDS);
    }
    List<String> names = new ArrayList<>(array.size());
    for (JsonNode n : array) {
      if (!n.isString() || n.asString().isEmpty()) {
        throw new InvalidJobException("Job " + jobId + ": '" + field + "' holds " + n + ", not a name");
      }
      names.add(n.asString());
    }
    return names;
  }
}
