package io.des.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.codec.Codec;
import io.des.codec.CompressionPolicy;
import io.des.codec.Compressors;
import io.des.format.EncodedEntry;
import io.des.routing.CreatedAt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a source into an entry: the size it was planned with is the size it must have. */
class EntryEncoderTest {
  @TempDir Path tmp;

  private PlannedFile planned(Path path, long size) {
    return new PlannedFile(SourceFile.scanned(path.getFileName().toString(), CreatedAt.of(Instant.EPOCH), size, path), null, size);
  }

  @Test
  void aFileThatGrewOrShrankSincePlanningIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("f.txt"), "0123456789");
    assertThatThrownBy(() -> EntryEncoder.encode(planned(file, 9), CompressionPolicy.defaults()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("changed while packing: expected 9 bytes, read more");
    assertThatThrownBy(() -> EntryEncoder.encode(planned(file, 11), CompressionPolicy.defaults()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("changed while packing: expected 11 bytes, read 10");
  }

  @Test
  void entriesKeepTheirBytesWhenTheReadBufferIsReused() throws Exception {
    // A stored-as-is entry followed by others read into the same thread's buffer, large and small.
    SplittableRandom random = new SplittableRandom(7);
    byte[] noise = new byte[100_000];
    random.nextBytes(noise);
    byte[] text = "all work and no play ".repeat(5_000).getBytes(StandardCharsets.UTF_8);
    byte[] big = new byte[EntryEncoder.READ_BUFFER_MAX + 1];
    random.nextBytes(big);
    byte[][] contents = {noise, text, Arrays.copyOf(noise, 10), big, new byte[0]};
    EncodedEntry[] entries = new EncodedEntry[contents.length];
    for (int i = 0; i < contents.length; i++) {
      Path file = Files.write(tmp.resolve("f" + i), contents[i]);
      entries[i] = EntryEncoder.encode(planned(file, contents[i].length), CompressionPolicy.defaults());
    }
    for (int i = 0; i < contents.length; i++) {
      EncodedEntry e = entries[i];
      byte[] decoded = Compressors.decompress(e.codec(), e.stored(), e.storedOffset(), e.storedLength(), contents[i].length);
      assertThat(decoded).as("entry %d", i).isEqualTo(contents[i]);
      CRC32C crc = new CRC32C();
      crc.update(contents[i]);
      assertThat(e.crc32c()).isEqualTo(crc.getValue());
    }
    assertThat(entries[0].codec()).isEqualTo(Codec.NONE);
    assertThat(entries[1].codec()).isEqualTo(Codec.ZSTD);
  }
}
