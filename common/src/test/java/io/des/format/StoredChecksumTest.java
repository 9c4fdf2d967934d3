package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.codec.Codec;
import io.des.codec.Compressors;
import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * {@code stored_crc32c}: the CRC-32C of a compressed entry's stored bytes, which lets a copy (a
 * repack) check them without decoding, and lets the verifier name damage to the stored bytes.
 */
class StoredChecksumTest {
  private static final BlobPath SHARD = BlobPath.of("s.des");

  private static EncodedEntry zstd(String uid, byte[] content) {
    byte[] stored = Compressors.compress(Codec.ZSTD, 3, content, 0, content.length);
    return new EncodedEntry(uid, Codec.ZSTD, stored, 0, stored.length, content.length, crc(content, 0, content.length), null, null);
  }

  private static EncodedEntry raw(String uid, byte[] content) {
    return new EncodedEntry(uid, Codec.NONE, content, 0, content.length, content.length, crc(content, 0, content.length), null, null);
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return crc.getValue();
  }

  private static byte[] shard(EncodedEntry... entries) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "s.des", 8);
    for (EncodedEntry e : entries) {
      writer.add(e);
    }
    writer.finish();
    return out.toByteArray();
  }

  private static byte[] text(int bytes) {
    byte[] b = new byte[bytes];
    byte[] line = "the quick brown fox jumps over the lazy dog, again and again\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < bytes; i++) {
      b[i] = line[i % line.length];
    }
    return b;
  }

  @Test
  void theWriterRecordsItForCompressedEntriesOnly() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.putReplace(SHARD, shard(zstd("z", text(10_000)), raw("r", text(100))));
    ShardIndex index = ShardReader.open(store, SHARD, ReaderLimits.DEFAULTS).index();
    IndexEntry z = index.find("z").orElseThrow();
    byte[] stored = store.readRange(SHARD, z.offset(), (int) z.length());
    assertThat(z.storedCrc32c()).isEqualTo(crc(stored, 0, stored.length));
    assertThat(z.metaJson()).contains("\"stored_crc32c\":");
    IndexEntry r = index.find("r").orElseThrow();
    assertThat(r.storedCrc32c()).isEqualTo(IndexEntry.NO_CHECKSUM);
    assertThat(r.metaJson()).doesNotContain("stored_crc32c");
    assertThat(r.expectedStoredCrc32c()).as("uncompressed: the content checksum").isEqualTo(r.crc32c());
  }

  @Test
  void checkStoredAcceptsTheBytesAsWrittenAndNamesAChange() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.putReplace(SHARD, shard(zstd("z", text(10_000))));
    IndexEntry z = ShardReader.open(store, SHARD, ReaderLimits.DEFAULTS).index().find("z").orElseThrow();
    byte[] stored = store.readRange(SHARD, z.offset(), (int) z.length());
    assertThat(ShardReader.checkStored("s.des", z, stored)).isEqualTo(z.storedCrc32c());

    stored[stored.length / 2] ^= 0x01;
    assertThatThrownBy(() -> ShardReader.checkStored("s.des", z, stored))
        .isInstanceOf(CorruptShardException.class)
        .hasMessageContaining("s.des entry 'z'")
        .hasMessageContaining("stored bytes checksum is crc32c")
        .hasMessageContaining(", the index records " + MetaJson.crc32cHex(z.storedCrc32c()));
    assertThatThrownBy(() -> ShardReader.decodeStored("s.des", z, stored))
        .as("decoding names the stored damage before it tries to decode")
        .hasMessageContaining("stored bytes checksum");
  }

  @Test
  void theVerifierReportsDamagedStoredBytesOfSmallAndStreamedEntries() throws Exception {
    byte[] big = text(3 << 20); // above the one-shot limit: verified by streaming
    byte[] bytes = shard(zstd("small", text(10_000)), zstd("big", big));
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.putReplace(SHARD, bytes);
    ShardIndex index = ShardReader.open(store, SHARD, ReaderLimits.DEFAULTS).index();
    assertThat(ShardVerifier.verify(store, SHARD, ReaderLimits.DEFAULTS).ok()).isTrue();

    // Swap two bytes of each payload's tail: zstd checks no content checksum of its own here, and
    // the stored checksum sees the change whether or not decoding would.
    for (String uid : new String[] {"small", "big"}) {
      IndexEntry e = index.find(uid).orElseThrow();
      int at = (int) (e.offset() + e.length() - 2);
      bytes[at] ^= 0x40;
    }
    store.putReplace(SHARD, bytes);
    ShardVerifier.Result result = ShardVerifier.verify(store, SHARD, ReaderLimits.DEFAULTS);
    assertThat(result.ok()).isFalse();
    assertThat(result.problems()).hasSize(2).allMatch(p -> p.message().contains("stored bytes checksum"), "names the stored bytes");
  }

  @Test
  void aCopyKeepsTheMetaOfAnIdenticalPayloadAndFixesTheStoredChecksumOfAnother() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    byte[] content = text(10_000);
    store.putReplace(SHARD, shard(zstd("z", content)));
    IndexEntry z = ShardReader.open(store, SHARD, ReaderLimits.DEFAULTS).index().find("z").orElseThrow();
    byte[] stored = store.readRange(SHARD, z.offset(), (int) z.length());
    byte[] lz4 = Compressors.compress(Codec.LZ4, 0, content, 0, content.length);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "t.des", 8);
    assertThat(writer.addCopy(renamed(z, "same"), Codec.ZSTD, stored, 0, stored.length)).isEqualTo(z.storedCrc32c());
    writer.addCopy(renamed(z, "lz4"), Codec.LZ4, lz4, 0, lz4.length);
    writer.addCopy(renamed(z, "raw"), Codec.NONE, content, 0, content.length);
    writer.finish();
    store.putReplace(BlobPath.of("t.des"), out.toByteArray());
    ShardReader copy = ShardReader.open(store, BlobPath.of("t.des"), ReaderLimits.DEFAULTS);

    assertThat(copy.index().find("same").orElseThrow().metaJson()).isEqualTo(z.metaJson());
    IndexEntry l = copy.index().find("lz4").orElseThrow();
    assertThat(l.storedCrc32c()).isEqualTo(crc(lz4, 0, lz4.length));
    assertThat(l.crc32c()).isEqualTo(z.crc32c());
    assertThat(copy.index().find("raw").orElseThrow().metaJson()).doesNotContain("stored_crc32c").contains("\"crc32c\":");
    for (String uid : new String[] {"same", "lz4", "raw"}) {
      assertThat(copy.read(uid)).isEqualTo(content);
    }
    assertThat(ShardVerifier.verify(store, BlobPath.of("t.des"), ReaderLimits.DEFAULTS).ok()).isTrue();
  }

  @Test
  void aCopyOfAnEntryWrittenBeforeStoredChecksumsGainsOne() throws Exception {
    // The frozen DES 0.1 shard records no stored_crc32c.
    var dir = UpstreamGoldenTest.goldenDir().getParent().resolve("des");
    byte[] golden = java.nio.file.Files.readAllBytes(dir.resolve("v2-sealed.des"));
    InMemoryBlobStore store = new InMemoryBlobStore();
    store.putReplace(SHARD, golden);
    IndexEntry old = ShardReader.open(store, SHARD, ReaderLimits.DEFAULTS).index().find("text.txt").orElseThrow();
    assertThat(old.storedCrc32c()).isEqualTo(IndexEntry.NO_CHECKSUM);
    byte[] stored = Arrays.copyOfRange(golden, (int) old.offset(), (int) (old.offset() + old.length()));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "t.des", 8);
    writer.addCopy(old, Codec.ZSTD, stored, 0, stored.length);
    writer.finish();
    store.putReplace(BlobPath.of("t.des"), out.toByteArray());
    IndexEntry copied = ShardReader.open(store, BlobPath.of("t.des"), ReaderLimits.DEFAULTS).index().find("text.txt").orElseThrow();
    assertThat(copied.storedCrc32c()).isEqualTo(crc(stored, 0, stored.length));
    assertThat(copied.metaJson()).isEqualTo(old.metaJson().replace(",\"created_at\"",
        ",\"stored_crc32c\":\"" + MetaJson.crc32cHex(copied.storedCrc32c()) + "\",\"created_at\""));
  }

  private static IndexEntry renamed(IndexEntry e, String uid) {
    return new IndexEntry(uid, e.kind(), e.offset(), e.length(), e.codec(), e.uncompressedSize(), e.bigFileSha256(), e.crc32c(),
        e.storedCrc32c(), e.createdAt(), e.metaJson());
  }
}
