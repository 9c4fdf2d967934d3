package io.des.job;

import io.des.format.ShardWriter;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of jobs on the wire (docs/fleet.md): a message of format 1 is one job, a message of
 * format 2 carries several, {@code {"format": 2, "jobs": [<format 1 job>, ...]}}, each of its own
 * shard key (see {@link JobMessages}). Reading checks everything a worker relies on before it
 * touches storage: the size, every field, that each uid is one the format can hold and routes to
 * the job's key, that no uid repeats, that the id matches the content, and that no job id or key
 * appears twice in one message.
 */
public final class JobCodec {
  private JobCodec() {}

  static final int FORMAT = 1;
  static final int FORMAT_SEVERAL = 2;
  /** Largest job message read; Kafka's default message limit is about 1 MB. */
  public static final int MAX_BYTES = 1_000_000;
  /** Most files one job may hold. */
  public static final int MAX_FILES = 5_000;
  /** Most jobs one message may carry. */
  public static final int MAX_JOBS = 256;

  /**
   * The Kafka record header that carries the job id beside the message, so that even a message that
   * does not parse can be named (in the ledger, in the dead-letter topic).
   */
  public static final String JOB_ID_HEADER = "des-job-id";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final byte[] SEVERAL_HEAD = ("{\"format\":" + FORMAT_SEVERAL + ",\"jobs\":[").getBytes(StandardCharsets.US_ASCII);

  public static byte[] write(PackJob job) {
    // Streamed, not built as a tree: the coordinator writes every job of a backlog (100,000 files
    // of a drop) while the workers already run, so this is CPU taken from them.
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 96 * job.files().size());
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberProperty("format", FORMAT);
      g.writeStringProperty("job_id", job.jobId());
      g.writeStringProperty("key", job.key().toString());
      g.writeNumberProperty("n_bits", job.nBits());
      g.writeStringProperty("source", job.source().name());
      g.writeArrayPropertyStart("files");
      for (JobFile f : job.files()) {
        g.writeStartObject();
        g.writeStringProperty("uid", f.uid());
        g.writeStringProperty("created_at", f.createdAt().toIso());
        g.writeNumberProperty("size", f.size());
        g.writeStringProperty("location", f.location());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /**
   * The most bytes a job message spends outside its files: the format, job id, key, n_bits and
   * source, and the wrapper of a message of several jobs. A job id is its key and 20 hex digits.
   */
  static final int JOB_OVERHEAD_BYTES = 512;

  /**
   * The most bytes {@link #write(PackJob)} spends on one file, its separator included: its uid and
   * location as JSON strings (a character of at most 6 bytes escaped, 3 in UTF-8), its date and
   * size. {@link JobPlanner} cuts jobs by it, so that a job of long names still fits a message.
   */
  static int fileBytesAtMost(JobFile f) {
    // {"uid":"","created_at":"","size":,"location":""} and a comma
    int fixed = 49;
    return fixed + jsonStringBytesAtMost(f.uid()) + f.createdAt().toIso().length()
        + Long.toString(f.size()).length() + jsonStringBytesAtMost(f.location());
  }

  private static int jsonStringBytesAtMost(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || Character.isSurrogate(c)) {
        bytes += 6; // a control character escaped (six bytes at most); half of a 4-byte pair, or one escaped
      } else if (c == '"' || c == '\\') {
        bytes += 2;
      } else if (c < 0x80) {
        bytes += 1;
      } else {
        bytes += c < 0x800 ? 2 : 3;
      }
    }
    return bytes;
  }

  /**
   * Several jobs in one message of format 2, in their order; their encoded forms from {@link
   * #write(PackJob)}. The caller keeps the size within {@link #MAX_BYTES} and the count within
   * {@link #MAX_JOBS} ({@link JobMessages} does).
   */
  static byte[] writeSeveral(List<byte[]> encodedJobs) {
    int size = severalOverhead(encodedJobs.size());
    for (byte[] job : encodedJobs) {
      size += job.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).put(SEVERAL_HEAD);
    for (int i = 0; i < encodedJobs.size(); i++) {
      if (i > 0) {
        out.put((byte) ',');
      }
      out.put(encodedJobs.get(i));
    }
    return out.put((byte) ']').put((byte) '}').array();
  }

  /** The bytes {@link #writeSeveral} adds to its jobs' own: the wrapper, and a comma between two jobs. */
  static int severalOverhead(int jobs) {
    return SEVERAL_HEAD.length + 2 + Math.max(0, jobs - 1);
  }

  /**
   * Parses and checks a message of one job.
   *
   * @throws InvalidJobException naming the first problem found, also if the message holds several jobs
   */
  public static PackJob read(byte[] message) throws InvalidJobException {
    List<PackJob> jobs = readAll(message);
    if (jobs.size() != 1) {
      throw new InvalidJobException("Job message holds " + jobs.size() + " jobs, expected one");
    }
    return jobs.get(0);
  }

  /**
   * Parses and checks a job message of either format: its jobs, in order.
   *
   * @throws InvalidJobException naming the first problem found
   */
  public static List<PackJob> readAll(byte[] message) throws InvalidJobException {
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
    if (root.path("format").asInt(-1) != FORMAT_SEVERAL) {
      return List.of(readJob(root));
    }
    JsonNode jobsNode = root.path("jobs");
    if (!jobsNode.isArray() || jobsNode.isEmpty()) {
      throw new InvalidJobException("Job message of format " + FORMAT_SEVERAL + " has no jobs array");
    }
    if (jobsNode.size() > MAX_JOBS) {
      throw new InvalidJobException("Job message holds " + jobsNode.size() + " jobs, more than " + MAX_JOBS);
    }
    List<PackJob> jobs = new ArrayList<>(jobsNode.size());
    Set<String> ids = new HashSet<>();
    Set<ShardKey> keys = new HashSet<>();
    for (JsonNode node : jobsNode) {
      if (!node.isObject()) {
        throw new InvalidJobException("Job " + (jobs.size() + 1) + " of the message is not a JSON object");
      }
      PackJob job = readJob(node);
      if (!ids.add(job.jobId())) {
        throw new InvalidJobException("Job " + job.jobId() + " appears twice in one message");
      }
      if (!keys.add(job.key())) {
        throw new InvalidJobException("Job " + job.jobId() + ": a message holds one job per shard key, and " + job.key() + " has two");
      }
      jobs.add(job);
    }
    return jobs;
  }

  private static PackJob readJob(JsonNode root) throws InvalidJobException {
    int format = root.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new InvalidJobException("Job format " + root.path("format") + " is not supported (expected " + FORMAT + " or " + FORMAT_SEVERAL + ")");
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
