package io.des.format;

import io.des.codec.Codec;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.BlobUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/** Small builders for shards in tests. */
final class ShardFixtures {
  private ShardFixtures() {}

  static EncodedEntry raw(String uid, byte[] content) {
    CRC32C crc = new CRC32C();
    crc.update(content);
    return new EncodedEntry(uid, Codec.NONE, content, 0, content.length, content.length, crc.getValue(), "2024-01-01T00:00:00Z", null);
  }

  static EncodedEntry raw(String uid, String content) {
    return raw(uid, content.getBytes(StandardCharsets.UTF_8));
  }

  /** A DES shard holding the given uid -> content pairs, uncompressed. */
  static byte[] shard(Map<String, byte[]> entries) throws IOException {
    return shard(entries, Map.of());
  }

  /** A DES shard; entries named in {@code codecs} are stored compressed with that codec. */
  static byte[] shard(Map<String, byte[]> entries, Map<String, Codec> codecs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "test.des", 8);
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      Codec codec = codecs.getOrDefault(e.getKey(), Codec.NONE);
      if (codec == Codec.NONE) {
        writer.add(raw(e.getKey(), e.getValue()));
      } else {
        byte[] content = e.getValue();
        byte[] stored = io.des.codec.Compressors.compress(codec, 0, content, 0, content.length);
        CRC32C crc = new CRC32C();
        crc.update(content);
        writer.add(new EncodedEntry(e.getKey(), codec, stored, 0, stored.length, content.length, crc.getValue(), null, null));
      }
    }
    writer.finish();
    return out.toByteArray();
  }

  static Map<String, byte[]> helloWorld() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a", "hello".getBytes(StandardCharsets.UTF_8));
    m.put("b", "world!".getBytes(StandardCharsets.UTF_8));
    return m;
  }

  static void put(BlobStore store, String key, byte[] bytes) throws IOException {
    store.delete(BlobPath.of(key));
    try (BlobUpload upload = store.createExclusive(BlobPath.of(key))) {
      upload.out().write(bytes);
      upload.commit();
    }
  }
}
