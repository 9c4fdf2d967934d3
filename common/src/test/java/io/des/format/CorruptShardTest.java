package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Byte flips in each part of a DES shard give the corrupt-shard exception with an exact message. */
class CorruptShardTest {
  private static final String NAME = "s.des";
  private final InMemoryBlobStore store = new InMemoryBlobStore();

  private byte[] shard() throws Exception {
    return ShardFixtures.shard(ShardFixtures.helloWorld());
  }

  private ShardReader open(byte[] bytes) throws Exception {
    ShardFixtures.put(store, NAME, bytes);
    return ShardReader.open(store, BlobPath.of(NAME), ReaderLimits.DEFAULTS);
  }

  private void assertCorrupt(byte[] bytes, String message) {
    assertThatThrownBy(() -> {
          ShardReader reader = open(bytes);
          reader.read("a");
          reader.read("b");
        })
        .isInstanceOf(CorruptShardException.class)
        .hasMessage("Corrupt shard s.des: " + message);
  }

  private static byte[] flip(byte[] bytes, int at, int value) {
    byte[] copy = bytes.clone();
    copy[at] = (byte) value;
    return copy;
  }

  @Test
  void headerMagic() throws Exception {
    assertCorrupt(flip(shard(), 0, 'X'), "Invalid shard header magic at offset 0: expected DES2, found 58455332");
  }

  @Test
  void headerVersion() throws Exception {
    assertCorrupt(flip(shard(), 4, 3), "Unsupported shard version: 3 at offset 4 (expected 1 or 2)");
  }

  @Test
  void headerReservedBytes() throws Exception {
    assertCorrupt(flip(shard(), 6, 1), "Invalid shard header reserved bytes: offset 6 is 0x1, expected 0");
  }

  @Test
  void footerMagic() throws Exception {
    byte[] s = shard();
    assertCorrupt(flip(s, s.length - 12, 'X'), "Invalid shard footer magic at offset " + (s.length - 12) + ": expected DESI, found 58455349");
  }

  @Test
  void footerIndexSizeTooLarge() throws Exception {
    byte[] s = shard();
    long indexSize = ByteBuffer.wrap(s, s.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertCorrupt(flip(s, s.length - 2, 1),
        "Computed index offset is invalid: footer declares index_size " + (indexSize | (1L << 48)) + " in a shard of " + s.length + " bytes");
  }

  @Test
  void payloadByte() throws Exception {
    byte[] bad = flip(shard(), 9, 'E'); // "hello" becomes "hEllo"
    assertThatThrownBy(() -> open(bad).read("a"))
        .isInstanceOf(CorruptShardException.class)
        .hasMessage("Corrupt shard s.des entry 'a': content checksum is crc32c 4d54afc7, the index records 9a71bb4c");
  }

  @Test
  void sealChecksum() throws Exception {
    assertCorrupt(flip(shard(), 19 + 28, 0), "seal at offset 19 has checksum " + sealCrcAfterFlip() + ", computed " + sealCrc());
  }

  @Test
  void indexByteIsCaughtByTheSeal() throws Exception {
    byte[] s = shard();
    int indexOffset = 19 + 32;
    byte[] bad = flip(s, indexOffset + 6, 'z'); // the uid "a" of the first entry
    assertThatThrownBy(() -> open(bad))
        .isInstanceOf(CorruptShardException.class)
        .hasMessageStartingWith("Corrupt shard s.des: index at offset 51 has checksum ")
        .hasMessageContaining(", the seal records ");
  }

  @Test
  void lostSealWithChecksummedEntries() throws Exception {
    assertCorrupt(flip(shard(), 19, 'Q'), "entry 'a' carries a DES checksum but the shard has no seal before offset 51");
  }

  @Test
  void truncatedAndAppendedShards() throws Exception {
    byte[] s = shard();
    assertCorrupt(Arrays.copyOf(s, s.length - 1), "Invalid shard footer magic at offset " + (s.length - 13) + ": expected DESI, found 7d444553");
    assertCorrupt(Arrays.copyOf(s, s.length + 1), "Invalid shard footer magic at offset " + (s.length - 11) + ": expected DESI, found 455349c8");
    assertCorrupt(Arrays.copyOf(s, 7), "File too small to be a valid DES shard: 7 bytes, expected at least 24");
  }

  @Test
  void upstreamIndexChecksWithoutASeal() throws Exception {
    // An unsealed v2 shard (upstream layout) whose entry points into the header.
    byte[] s = java.nio.file.Files.readAllBytes(UpstreamGoldenTest.goldenDir().resolve("v2-hello-world.des"));
    assertCorrupt(flip(s, 19 + 4 + 4, 2), "index entry 0 ('a') at offset 23 points to offset 2, inside the header (expected >= 8)");
    // Its second entry made to overlap the first.
    byte[] overlap = flip(s, 64 + 4, 9); // entry 1 starts at 64; its offset field at 68
    assertCorrupt(overlap, "entry 'b' at offset 9 overlaps entry 'a' which ends at offset 13");
    // Its entry_count made larger than the index can hold.
    assertCorrupt(flip(s, 19, 200), "index at offset 19 declares 200 entries, but its 86 bytes can hold at most 2");
    // Unknown flag bits.
    assertCorrupt(flip(s, 19 + 4 + 3, 4), "index entry 0 ('a') at offset 23 has unknown flag bits 0x4 (expected 0)");
  }

  private String sealCrc() throws Exception {
    byte[] s = shard();
    return MetaJson.crc32cHex(Seal.crc32c(s, 19, 28));
  }

  private String sealCrcAfterFlip() throws Exception {
    byte[] s = flip(shard(), 19 + 28, 0);
    return MetaJson.crc32cHex(Integer.toUnsignedLong(ByteBuffer.wrap(s, 19 + 28, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()));
  }

  @Test
  void duplicateUidsInAnUpstreamIndex() throws Exception {
    byte[] s = java.nio.file.Files.readAllBytes(UpstreamGoldenTest.goldenDir().resolve("v2-hello-world.des"));
    byte[] dup = flip(s, 64 + 2, 'a'); // rename "b" to "a"
    assertThat(dup).isNotEqualTo(s);
    assertCorrupt(dup, "duplicate uid 'a' in index entry 1 at offset 64");
  }
}
