package io.des.pack;

import io.des.format.ShardWriter;
import io.des.storage.BlobPath;
import io.des.storage.UploadCheckpoint;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a resumable pack of one key stands: the shard being written, the durable point of its
 * upload, and the writer's state at that point. Its JSON form is what the caller persists (docs/fleet.md).
 */
record PackCheckpoint(String shard, UploadCheckpoint upload, ShardWriter.Snapshot writer) {
  static final int FORMAT = 1;
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  byte[] toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("shard", shard);
    root.put("upload_length", upload.length());
    root.put("upload_token", upload.token());
    root.put("position", writer.position());
    root.put("entries", writer.entries());
    root.put("big_files", writer.bigFiles());
    root.put("content_bytes", writer.contentBytes());
    root.put("stored_bytes", writer.storedBytes());
    root.put("index", Base64.getEncoder().encodeToString(writer.index()));
    return MAPPER.writeValueAsBytes(root);
  }

  /** The checkpoint, or null if the bytes are not one (a caller's state from another version). */
  static PackCheckpoint fromJson(byte[] json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root.path("format").asInt(-1) != FORMAT) {
        return null;
      }
      String shard = root.path("shard").asString();
      UploadCheckpoint upload = new UploadCheckpoint(BlobPath.of(shard), root.path("upload_length").asLong(), root.path("upload_token").asString());
      ShardWriter.Snapshot writer = new ShardWriter.Snapshot(
          root.path("position").asLong(), root.path("entries").asLong(), root.path("big_files").asLong(),
          root.path("content_bytes").asLong(), root.path("stored_bytes").asLong(),
          Base64.getDecoder().decode(root.path("index").asString()));
      return new PackCheckpoint(shard, upload, writer);
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }
}
