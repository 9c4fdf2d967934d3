package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.codec.Codec;
import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Upstream v2 shards whose entries hold frames made by python-lz4 (linked blocks) and
 * python-zstandard (golden/codec, make-codec-golden.py) read back to the recorded content.
 */
class UpstreamCompressedEntriesTest {
  record Frame(String file, Codec codec, int rawLength, String sha256) {}

  @Test
  void readsEveryPythonFrameInsideAnUpstreamShard() throws Exception {
    Path dir = Path.of(getClass().getResource("/golden/codec/manifest.tsv").toURI()).getParent();
    List<Frame> frames = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("manifest.tsv"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      frames.add(new Frame(f[0], Codec.fromLabel(f[1]), Integer.parseInt(f[3]), f[4]));
    }
    assertThat(frames).extracting(Frame::codec).contains(Codec.LZ4, Codec.ZSTD);
    // The upstream v2 layout: header, payloads, index (no seal, no meta), footer.
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    long offset = 8;
    for (Frame f : frames) {
      byte[] stored = Files.readAllBytes(dir.resolve(f.file()));
      data.write(stored);
      byte[] uid = f.file().getBytes(StandardCharsets.UTF_8);
      ByteBuffer e = ByteBuffer.allocate(2 + uid.length + 1 + 33 + 4).order(ByteOrder.LITTLE_ENDIAN);
      e.putShort((short) uid.length).put(uid).put((byte) 0).putLong(offset).putLong(stored.length).put((byte) f.codec().id())
          .putLong(stored.length).putLong(f.rawLength()).putInt(0);
      index.write(e.array());
      offset += stored.length;
    }
    ByteBuffer count = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(frames.size());
    byte[] indexBytes = ByteBuffer.allocate(4 + index.size()).put(count.array()).put(index.toByteArray()).array();
    ByteArrayOutputStream shard = new ByteArrayOutputStream();
    shard.write(new byte[] {'D', 'E', 'S', '2', 2, 0, 0, 0});
    shard.write(data.toByteArray());
    shard.write(indexBytes);
    shard.write(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put(new byte[] {'D', 'E', 'S', 'I'}).putLong(indexBytes.length).array());

    InMemoryBlobStore store = new InMemoryBlobStore();
    ShardFixtures.put(store, "upstream-compressed.des", shard.toByteArray());
    ShardReader reader = ShardReader.open(store, BlobPath.of("upstream-compressed.des"), ReaderLimits.DEFAULTS);
    assertThat(reader.index().sealed()).isFalse();
    for (Frame f : frames) {
      byte[] content = reader.read(f.file());
      assertThat(content).as(f.file()).hasSize(f.rawLength());
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content))).as(f.file()).isEqualTo(f.sha256());
    }
    assertThat(ShardVerifier.verify(store, BlobPath.of("upstream-compressed.des"), ReaderLimits.DEFAULTS).problems()).isEmpty();
  }
}
