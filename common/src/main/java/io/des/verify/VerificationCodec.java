package io.des.verify;

import io.des.format.ShardVerifier;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON form of a {@link VerificationRecord} (docs/deletion.md, "Verification"). */
final class VerificationCodec {
  private VerificationCodec() {}

  static final int FORMAT = 1;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  static byte[] write(VerificationRecord r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("shard", r.shard());
    root.put("size", r.size());
    root.put("version", r.version());
    root.put("checked_at", r.checkedAt().toString());
    root.put("entries", r.entries());
    root.put("verified", r.verified());
    root.put("ok", r.ok());
    List<Map<String, Object>> problems = new ArrayList<>();
    for (ShardVerifier.Problem p : r.problems()) {
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("uid", p.uid());
      problem.put("message", p.message());
      problems.add(problem);
    }
    root.put("problems", problems);
    root.put("problem_count", r.problemCount());
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  static VerificationRecord read(String where, byte[] json) throws CorruptVerificationRecordException {
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root.path("format").asInt(-1) != FORMAT) {
        throw new IllegalArgumentException("format " + root.path("format") + ", expected " + FORMAT);
      }
      List<ShardVerifier.Problem> problems = new ArrayList<>();
      for (JsonNode p : root.required("problems")) {
        JsonNode uid = p.get("uid");
        problems.add(new ShardVerifier.Problem(uid == null || uid.isNull() ? null : uid.asString(), p.required("message").asString()));
      }
      return new VerificationRecord(
          root.required("shard").asString(),
          root.required("size").asLong(),
          root.required("version").asInt(),
          Instant.parse(root.required("checked_at").asString()),
          root.required("entries").asLong(),
          root.required("verified").asLong(),
          root.required("ok").asBoolean(),
          problems,
          root.required("problem_count").asLong());
    } catch (JacksonException | IllegalArgumentException | DateTimeException e) {
      throw new CorruptVerificationRecordException(where, e.getMessage());
    }
  }
}
