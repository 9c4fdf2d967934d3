package io.des.codec;

import static io.des.codec.TestFrames.bytes;
import static io.des.codec.TestFrames.noise;
import static io.des.codec.TestFrames.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentSnifferTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "jpeg, ff d8 ff e0 00 10 4a 46 49 46",
    "png, 89 50 4e 47 0d 0a 1a 0a 00 00",
    "gif87a, 47 49 46 38 37 61 01 00",
    "gif89a, 47 49 46 38 39 61 01 00",
    "gzip, 1f 8b 08 00 00 00",
    "zip local header, 50 4b 03 04 14 00",
    "zip empty archive, 50 4b 05 06 00 00",
    "zip spanned, 50 4b 07 08 00 00",
    "bzip2, 42 5a 68 39 31 41 59 26",
    "xz, fd 37 7a 58 5a 00 00 04",
    "zstd, 28 b5 2f fd 20 00 01 00 00",
    "lz4, 04 22 4d 18 60 40 82 00",
    "7z, 37 7a bc af 27 1c 00 04",
    "rar4, 52 61 72 21 1a 07 00",
    "rar5, 52 61 72 21 1a 07 01 00",
    "webp, 52 49 46 46 24 00 00 00 57 45 42 50 56 50",
    "mp4, 00 00 00 18 66 74 79 70 6d 70 34 32",
    "heic, 00 00 00 18 66 74 79 70 68 65 69 63",
    "mp3 with id3, 49 44 33 04 00 00",
    "mp3 frame, ff fb 90 64 00 00",
    "ogg, 4f 67 67 53 00 02",
    "flac, 66 4c 61 43 00 00",
    "woff2, 77 4f 46 32 00 01",
    "woff, 77 4f 46 46 00 01",
  })
  void recognisesCompressedFormatsByMagic(String format, String hex) {
    byte[] header = bytes(hex);
    byte[] padded = Arrays.copyOf(header, 200); // zeros after the magic: low entropy
    assertThat(ContentSniffer.looksCompressed(padded, 0, padded.length)).as(format).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "text, 48 65 6c 6c 6f 20 77 6f 72 6c 64",
    "riff wave, 52 49 46 46 24 00 00 00 57 41 56 45",
    "gif without version, 47 49 46 38 30 61",
    "bzip2 without level, 42 5a 68 30",
    "ff but not a frame, ff ff ff ff",
    "pk but not zip, 50 4b 01 02",
    "empty, ''",
  })
  void doesNotFlagLookAlikes(String what, String hex) {
    byte[] header = hex.isEmpty() ? new byte[0] : bytes(hex);
    byte[] padded = Arrays.copyOf(header, Math.max(header.length, 100));
    assertThat(ContentSniffer.looksCompressed(padded, 0, padded.length)).as(what).isFalse();
  }

  @Test
  void randomBytesOfAKilobyteOrMoreAreHighEntropy() {
    assertThat(ContentSniffer.looksCompressed(noise(4096, 1), 0, 4096)).isTrue();
    assertThat(ContentSniffer.looksCompressed(noise(1024, 2), 0, 1024)).isTrue();
    int sample = ContentSniffer.SAMPLE_BYTES;
    // The plug-in estimate of a 1 KiB sample of noise is about 7.8 bits (it is biased low for small samples).
    assertThat(ContentSniffer.entropyBitsPerByte(noise(sample, 3), 0, sample)).isGreaterThan(ContentSniffer.HIGH_ENTROPY_BITS + 0.2);
  }

  @Test
  void shortRandomBytesAreLeftToTheGainCheck() {
    // Too few bytes for a meaningful histogram: 1,023 random bytes cannot show 8 bits per byte.
    assertThat(ContentSniffer.looksCompressed(noise(1023, 4), 0, 1023)).isFalse();
  }

  @Test
  void textIsNotCompressed() {
    byte[] text = text(100_000, 5);
    assertThat(ContentSniffer.looksCompressed(text, 0, text.length)).isFalse();
    assertThat(ContentSniffer.entropyBitsPerByte(text, 0, ContentSniffer.SAMPLE_BYTES)).isBetween(3.5, 5.0);
    byte[] json = "{\"id\":12345,\"name\":\"x\",\"tags\":[\"a\",\"b\"]}".repeat(100).getBytes(StandardCharsets.US_ASCII);
    assertThat(ContentSniffer.looksCompressed(json, 0, json.length)).isFalse();
  }

  @Test
  void realGzipOutputIsRecognised() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(text(10_000, 6));
    }
    byte[] gz = bos.toByteArray();
    assertThat(ContentSniffer.looksCompressed(gz, 0, gz.length)).isTrue();
  }

  @Test
  void entropyOfConstantAndTwoSymbolSamples() {
    int sample = ContentSniffer.SAMPLE_BYTES;
    assertThat(ContentSniffer.entropyBitsPerByte(new byte[sample], 0, sample)).isZero();
    byte[] two = new byte[sample];
    for (int i = 0; i < two.length; i += 2) {
      two[i] = 1;
    }
    assertThat(ContentSniffer.entropyBitsPerByte(two, 0, sample)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void honoursOffsetAndLength() {
    byte[] buffer = new byte[300];
    byte[] png = bytes("89 50 4e 47 0d 0a 1a 0a");
    System.arraycopy(png, 0, buffer, 100, png.length);
    assertThat(ContentSniffer.looksCompressed(buffer, 100, 200)).isTrue();
    assertThat(ContentSniffer.looksCompressed(buffer, 0, 100)).isFalse();
    assertThat(ContentSniffer.looksCompressed(buffer, 100, 4)).isFalse(); // magic cut short
  }

  @Test
  void isFastEnoughToRunOnEveryEntry() {
    byte[] text = text(64 * 1024, 7);
    for (int i = 0; i < 2_000; i++) { // warm up
      ContentSniffer.looksCompressed(text, 0, text.length);
    }
    long start = System.nanoTime();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      ContentSniffer.looksCompressed(text, 0, text.length);
    }
    double micros = (System.nanoTime() - start) / 1000.0 / n;
    // One 4 KiB histogram per entry; generous bound for a shared 2-core machine.
    assertThat(micros).isLessThan(50.0);
  }
}
