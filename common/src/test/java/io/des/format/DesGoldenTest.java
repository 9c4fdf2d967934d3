package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.codec.Codec;
import io.des.storage.BlobPath;
import io.des.storage.LocalBlobStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * golden/des/v2-sealed.des was written by DES 0.1 (raw, zstd, non-ASCII and empty entries, with
 * seal and meta), golden/des/v2-stored-crc.des by DES 0.2 from the same entries (its compressed
 * entry also records {@code stored_crc32c}). Both are frozen: every later reader must read them,
 * and the writer must still lay out the same entries as the newer one byte for byte (compressed
 * bytes are taken from the file, since they depend on the zstd build, not on DES).
 */
class DesGoldenTest {
  private static final Path DIR = UpstreamGoldenTest.goldenDir().getParent().resolve("des");

  @ParameterizedTest
  @ValueSource(strings = {"v2-sealed.des", "v2-stored-crc.des"})
  void readsTheFrozenDesShards(String file) throws Exception {
    ShardReader reader = ShardReader.open(new LocalBlobStore(DIR), BlobPath.of(file), ReaderLimits.DEFAULTS);
    assertThat(reader.index().sealed()).isTrue();
    assertThat(reader.index().nBits()).isEqualTo(8);
    assertThat(reader.read("a")).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    assertThat(reader.read("text.txt")).asString(StandardCharsets.UTF_8)
        .isEqualTo("hello hello hello hello hello hello hello hello\n".repeat(20));
    assertThat(reader.index().find("text.txt").orElseThrow().codec()).isEqualTo(Codec.ZSTD);
    assertThat(reader.read("file-\u00e4\u20ac")).asString(StandardCharsets.UTF_8).isEqualTo("zawarto\u015b\u0107");
    assertThat(reader.read("empty")).isEmpty();
    assertThat(reader.index().find("b").orElseThrow().createdAt()).isEqualTo("2024-05-17T10:00:00Z");
  }

  @Test
  void onlyTheNewerShardRecordsTheStoredChecksum() throws Exception {
    IndexEntry old = ShardReader.open(new LocalBlobStore(DIR), BlobPath.of("v2-sealed.des"), ReaderLimits.DEFAULTS).index().find("text.txt").orElseThrow();
    IndexEntry newer = ShardReader.open(new LocalBlobStore(DIR), BlobPath.of("v2-stored-crc.des"), ReaderLimits.DEFAULTS).index().find("text.txt").orElseThrow();
    assertThat(old.expectedStoredCrc32c()).isEqualTo(IndexEntry.NO_CHECKSUM);
    assertThat(newer.storedCrc32c()).isEqualTo(0x71de79d8L);
    byte[] golden = Files.readAllBytes(DIR.resolve("v2-stored-crc.des"));
    byte[] stored = Arrays.copyOfRange(golden, (int) newer.offset(), (int) (newer.offset() + newer.length()));
    assertThat(ShardReader.checkStored("v2-stored-crc.des", newer, stored)).isEqualTo(0x71de79d8L);
  }

  @Test
  void theWriterStillProducesTheSameBytes() throws Exception {
    byte[] golden = Files.readAllBytes(DIR.resolve("v2-stored-crc.des"));
    ShardIndex index = ShardReader.open(new LocalBlobStore(DIR), BlobPath.of("v2-stored-crc.des"), ReaderLimits.DEFAULTS).index();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "again", 8);
    for (IndexEntry e : index.entries()) {
      byte[] stored = Arrays.copyOfRange(golden, (int) e.offset(), (int) (e.offset() + e.length()));
      writer.add(new EncodedEntry(e.uid(), e.codec(), stored, 0, stored.length, e.uncompressedSize(), e.crc32c(), e.createdAt(), null));
    }
    writer.finish();
    assertThat(out.toByteArray()).isEqualTo(golden);
  }
}
