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

/**
 * golden/des/v2-sealed.des was written by DES 0.1 (raw, zstd, non-ASCII and empty entries, with
 * seal and meta) and is frozen: every later reader must read it, and the writer must still lay out
 * the same entries byte for byte (compressed bytes are taken from the file, since they depend on
 * the zstd build, not on DES).
 */
class DesGoldenTest {
  private static final Path DIR = UpstreamGoldenTest.goldenDir().getParent().resolve("des");

  @Test
  void readsTheFrozenDesShard() throws Exception {
    ShardReader reader = ShardReader.open(new LocalBlobStore(DIR), BlobPath.of("v2-sealed.des"), ReaderLimits.DEFAULTS);
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
  void theWriterStillProducesTheSameBytes() throws Exception {
    byte[] golden = Files.readAllBytes(DIR.resolve("v2-sealed.des"));
    ShardIndex index = ShardReader.open(new LocalBlobStore(DIR), BlobPath.of("v2-sealed.des"), ReaderLimits.DEFAULTS).index();
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
