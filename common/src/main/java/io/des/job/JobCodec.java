package io.des.job;

import io.des.format.ShardWriter;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of a job on the wire (docs/fleet.md). Reading checks everything a worker relies
 * on before it touches storage: the size, every field, that each uid is one the format can hold and
 * routes to the job's key, that no uid repeats, and that the id matches the content.
 */
public final class JobCodec {
  private JobCodec() {}

  static final int FORMAT = 1;
  /** Largest job message read; Kafka's default message limit is about 1 MB. */
  public static final int MAX_BYTES = 1_000_000;
  /** Most files one job may hold. */
  public static final int MAX_FILES = 5_000;

  /**
   * The Kafka record header that carries the job id beside the message, so that even a message that
   * does not parse can be named (in the ledger, in the dead-letter topic).
   */
  public static final String JOB_ID_HEADER = "des-job-id";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  public static byte[] write(PackJob job) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("job_id", job.jobId());
    root.put("key", job.key().toString());
    root.put("n_bits", job.nBits());
    root.put("source", job.source().name());
    List<Map<String, Object>> files = new ArrayList<>(job.files().size());
    for (JobFile f : job.files()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("uid", f.uid());
      m.put("created_at", f.createdAt().toIso());
      m.put("size", f.size());
      m.put("location", f.location());
      files.add(m);
    }
    root.put("files", files);
    return MAPPER.writeValueAsBytes(root);
  }

  /**
   * Parses and checks a job message.
   *
   * @throws InvalidJobException naming the first problem found
   */
  public static PackJob read(byte[] message) throws InvalidJobException {
    if (message == null || message.length == 0) {
      throw new InvalidJobException("Empty job message");
    }
    if (message.length > MAX_BYTES) {
      throw new InvalidJobException("Job message of " + message.length + " bytes exceeds the limit of " + MAX_BYTES);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(message);
    } catch (JacksonException e) {
      throw new InvalidJobException("Job message is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidJobException("Job message is not a JSON object");
    }
    int format = root.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new InvalidJobException("Job format " + root.path("format") + " is not supported (expected " + FORMAT + ")");
    }
    String jobId = text(root, "job_id", "job");
    try {
      ShardKey key = ShardKey.parse(text(root, "key", jobId));
      int nBits = root.path("n_bits").asInt(-1);
      Router router = new Router(nBits);
      SourceKind source = SourceKind.valueOf(text(root, "source", jobId));
      JsonNode filesNode = root.path("files");
      if (!filesNode.isArray() || filesNode.isEmpty()) {
        throw new InvalidJobException("Job " + jobId + " has no files array");
      }
      if (filesNode.size() > MAX_FILES) {
        throw new InvalidJobException("Job " + jobId + " has " + filesNode.size() + " files, more than " + MAX_FILES);
      }
      List<JobFile> files = new ArrayList<>(filesNode.size());
      Set<String> uids = new HashSet<>();
      for (JsonNode n : filesNode) {
        String where = "job " + jobId + " file " + (files.size() + 1);
        JobFile f = new JobFile(text(n, "uid", where), CreatedAt.parse(text(n, "created_at", where)), size(n, where), text(n, "location", where));
        ShardWriter.uidBytes(f.uid());
        if (!uids.add(f.uid())) {
          throw new InvalidJobException(where + ": duplicate uid '" + f.uid() + "'");
        }
        ShardKey routed = router.route(f.uid(), f.createdAt());
        if (!routed.equals(key)) {
          throw new InvalidJobException(where + ": uid '" + f.uid() + "' routes to " + routed + ", not to the job's key " + key);
        }
        files.add(f);
      }
      String expected = JobPlanner.idOf(key, nBits, source, files);
      if (!expected.equals(jobId)) {
        throw new InvalidJobException("Job id " + jobId + " does not match its content (expected " + expected + ")");
      }
      return new PackJob(jobId, key, nBits, source, files);
    } catch (IllegalArgumentException e) { // bad key, n_bits, source, uid or created_at
      throw new InvalidJobException("Job " + jobId + ": " + e.getMessage(), e);
    }
  }

  private static long size(JsonNode n, String where) throws InvalidJobException {
    JsonNode v = n.get("size");
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new InvalidJobException(where + ": size must be a non-negative integer, got " + v);
    }
    return v.asLong();
  }

  static String text(JsonNode node, String field, String where) throws InvalidJobException {
    JsonNode v = node.get(field);
    if (v == null || !v.isString() || v.asString().isEmpty()) {
      throw new InvalidJobException(where + ": missing or empty text field '" + field + "'");
    }
    return v.asString();
  }
}
