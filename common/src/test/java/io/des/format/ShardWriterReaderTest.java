package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the DES writer produces and what the reader makes of it. */
class ShardWriterReaderTest {
  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final BlobPath path = BlobPath.of("20240101_39_0000.des");

  @Test
  void roundTripsEntriesWithChecksumsAndASeal() throws Exception {
    byte[] shard = ShardFixtures.shard(ShardFixtures.helloWorld());
    ShardFixtures.put(store, path.key(), shard);
    ShardReader reader = ShardReader.open(store, path, ReaderLimits.DEFAULTS);
    assertThat(reader.index().sealed()).isTrue();
    assertThat(reader.index().nBits()).isEqualTo(8);
    assertThat(reader.read("a")).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    assertThat(reader.read("b")).asString(StandardCharsets.UTF_8).isEqualTo("world!");
    IndexEntry a = reader.index().find("a").orElseThrow();
    assertThat(a.metaJson()).isEqualTo("{\"crc32c\":\"9a71bb4c\",\"created_at\":\"2024-01-01T00:00:00Z\"}");
    assertThat(a.offset()).isEqualTo(8);
  }

  @Test
  void writesTheUpstreamLayoutWithTheSealInTheDataRegion() throws Exception {
    byte[] shard = ShardFixtures.shard(ShardFixtures.helloWorld());
    assertThat(Arrays.copyOf(shard, 8)).containsExactly('D', 'E', 'S', '2', 2, 0, 0, 0);
    assertThat(new String(shard, 8, 11, StandardCharsets.US_ASCII)).isEqualTo("helloworld!");
    assertThat(new String(shard, 19, 4, StandardCharsets.US_ASCII)).isEqualTo("DESX");
    ByteBuffer footer = ByteBuffer.wrap(shard, shard.length - 12, 12).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(footer.getInt()).isEqualTo(0x49534544); // "DESI"
    long indexSize = footer.getLong();
    assertThat(shard.length - 12 - indexSize).as("index follows the 32-byte seal").isEqualTo(19 + 32);
  }

  @Test
  void streamsAnEntryAndChecksAtTheEnd() throws Exception {
    byte[] content = new byte[200_000];
    new java.util.Random(1).nextBytes(content);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("big", content);
    ShardFixtures.put(store, path.key(), ShardFixtures.shard(entries));
    try (InputStream in = ShardReader.open(store, path, ReaderLimits.DEFAULTS).openEntry("big")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void refusesEntriesAboveTheInMemoryLimit() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("x", new byte[1000]);
    ShardFixtures.put(store, path.key(), ShardFixtures.shard(entries));
    ShardReader reader = ShardReader.open(store, path, new ReaderLimits(1 << 20, 999, 4096));
    assertThatThrownBy(() -> reader.read("x"))
        .isInstanceOf(ShardLimitExceededException.class)
        .hasMessage("Entry 'x' in 20240101_39_0000.des is 1000 bytes, more than the in-memory limit of 999; stream it instead");
  }

  @Test
  void readsAnIndexLargerThanTheFirstTailRequest() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      entries.put("uid-" + i, ("content " + i).getBytes(StandardCharsets.UTF_8));
    }
    ShardFixtures.put(store, path.key(), ShardFixtures.shard(entries));
    ShardReader reader = ShardReader.open(store, path, new ReaderLimits(1 << 20, 1 << 20, 64));
    assertThat(reader.index().size()).isEqualTo(500);
    assertThat(reader.read("uid-499")).asString(StandardCharsets.UTF_8).isEqualTo("content 499");
  }

  @Test
  void unknownUidIsNotFound() throws Exception {
    ShardFixtures.put(store, path.key(), ShardFixtures.shard(ShardFixtures.helloWorld()));
    ShardReader reader = ShardReader.open(store, path, ReaderLimits.DEFAULTS);
    assertThatThrownBy(() -> reader.read("zzz"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("UID 'zzz' not found in shard 20240101_39_0000.des.");
  }

  @Test
  void writerRejectsBadUids() {
    ShardWriter writer = ShardWriter.to(new ByteArrayOutputStream(), "t.des", 8);
    assertThatThrownBy(() -> writer.add(ShardFixtures.raw("", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("uid must not be empty");
    assertThatThrownBy(() -> writer.add(ShardFixtures.raw("x".repeat(65536), "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("uid is 65536 bytes of UTF-8, the format allows at most 65535: xxx");
    assertThatThrownBy(() -> writer.add(ShardFixtures.raw("bad\ud800", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("uid is not valid Unicode (lone surrogate): bad\ud800");
  }

  @Test
  void writerRejectsDuplicatesAndUseAfterFinish() throws Exception {
    ShardWriter writer = ShardWriter.to(new ByteArrayOutputStream(), "t.des", 8);
    writer.add(ShardFixtures.raw("a", "1"));
    assertThatThrownBy(() -> writer.add(ShardFixtures.raw("a", "2")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("UID 'a' already exists in shard.");
    writer.finish();
    assertThatThrownBy(() -> writer.add(ShardFixtures.raw("b", "2")))
        .isInstanceOf(IllegalStateException.class).hasMessage("ShardWriter is closed.");
  }

  @Test
  void maxLengthUidRoundTrips() throws Exception {
    String uid = "u".repeat(65535);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(uid, "v".getBytes(StandardCharsets.UTF_8));
    ShardFixtures.put(store, path.key(), ShardFixtures.shard(entries));
    assertThat(ShardReader.open(store, path, ReaderLimits.DEFAULTS).read(uid)).asString(StandardCharsets.UTF_8).isEqualTo("v");
  }

  @Test
  void aVerbatimRunIsIndexedWhereTheAppendPutsItsBytes() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (String uid : new String[] {"a", "b", "c", "d"}) {
      entries.put(uid, ("content of " + uid).repeat(40).getBytes(StandardCharsets.UTF_8));
    }
    byte[] old = ShardFixtures.shard(entries, Map.of("b", io.des.codec.Codec.ZSTD, "c", io.des.codec.Codec.ZSTD));
    ShardFixtures.put(store, path.key(), old);
    ShardIndex index = ShardReader.open(store, path, ReaderLimits.DEFAULTS).index();
    IndexEntry a = index.find("a").orElseThrow(), b = index.find("b").orElseThrow(),
        c = index.find("c").orElseThrow(), d = index.find("d").orElseThrow();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "new.des", 8);
    assertThatThrownBy(() -> writer.addVerbatimRun(java.util.List.of(a, c), n -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c'").hasMessageContaining("not at offset");
    writer.addVerbatimRun(java.util.List.of(d), n -> out.write(old, (int) d.offset(), (int) n));
    writer.addVerbatimRun(java.util.List.of(b, c), n -> out.write(old, (int) b.offset(), (int) n));
    assertThat(writer.uids()).containsExactlyInAnyOrder("b", "c", "d");
    writer.finish();

    BlobPath copy = BlobPath.of("20240101_39_0000_R002.des");
    ShardFixtures.put(store, copy.key(), out.toByteArray());
    ShardReader reader = ShardReader.open(store, copy, ReaderLimits.DEFAULTS);
    for (String uid : new String[] {"b", "c", "d"}) {
      assertThat(reader.read(uid)).isEqualTo(entries.get(uid));
      assertThat(reader.index().find(uid).orElseThrow().metaJson()).isEqualTo(index.find(uid).orElseThrow().metaJson());
    }
    assertThat(reader.index().find("d").orElseThrow().offset()).isEqualTo(8);
    assertThat(ShardVerifier.verify(store, copy, ReaderLimits.DEFAULTS).ok()).isTrue();
  }

  @Test
  void aWriterResumedFromASnapshotWritesTheSameShard() throws Exception {
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    ShardWriter straight = ShardWriter.to(whole, "s", 8);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ShardWriter before = ShardWriter.to(first, "s", 8);
    ShardWriter.Snapshot snapshot = null;
    for (int i = 0; i < 10; i++) {
      EncodedEntry e = ShardFixtures.raw("uid-" + i, "content " + i);
      straight.add(e);
      if (i < 6) {
        before.add(e);
        snapshot = before.snapshot();
      }
    }
    straight.addBigFile("big", "a".repeat(64), 1 << 30, "2024-01-01T00:00:00Z", null);
    straight.finish();

    ByteArrayOutputStream resumed = new ByteArrayOutputStream();
    resumed.write(first.toByteArray(), 0, (int) snapshot.position());
    ShardWriter after = ShardWriter.resume(resumed, "s", 8, snapshot);
    for (int i = 6; i < 10; i++) {
      after.add(ShardFixtures.raw("uid-" + i, "content " + i));
    }
    after.addBigFile("big", "a".repeat(64), 1 << 30, "2024-01-01T00:00:00Z", null);
    after.finish();
    assertThat(resumed.toByteArray()).isEqualTo(whole.toByteArray());
    assertThatThrownBy(() -> ShardWriter.resume(new ByteArrayOutputStream(), "s", 8, before.snapshot()).add(ShardFixtures.raw("uid-0", "again")))
        .hasMessageContaining("UID 'uid-0' already exists");
  }

  @Test
  void aDamagedSnapshotIsRefused() {
    ShardWriter.Snapshot broken = new ShardWriter.Snapshot(100, 3, 0, 30, 30, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> ShardWriter.resume(new ByteArrayOutputStream(), "s", 8, broken)).isInstanceOf(CorruptShardException.class);
  }
}
