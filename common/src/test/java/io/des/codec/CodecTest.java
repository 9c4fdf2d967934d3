package io.des.codec;

import static io.des.codec.TestFrames.hex;
import static io.des.codec.TestFrames.noise;
import static io.des.codec.TestFrames.readAll;
import static io.des.codec.TestFrames.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class CodecTest {

  static Stream<Arguments> contents() {
    return Stream.of(
            new byte[0],
            "hello".getBytes(StandardCharsets.US_ASCII),
            text(1024, 1),
            noise(5000, 2),
            text(64 * 1024, 3),
            text(64 * 1024 + 1, 4),
            text(300 * 1024, 5),
            noise(150 * 1024, 6))
        .flatMap(
            content ->
                Stream.of(Codec.values()).map(codec -> Arguments.of(codec, content.length, content)));
  }

  @ParameterizedTest(name = "{0} {1} bytes")
  @MethodSource("contents")
  void roundTripsInMemory(Codec codec, int length, byte[] content) throws IOException {
    byte[] stored = Compressors.compress(codec, 0, content, 0, length);
    assertThat(Compressors.decompress(codec, stored, 0, stored.length, length)).isEqualTo(content);
  }

  @ParameterizedTest(name = "{0} {1} bytes")
  @MethodSource("contents")
  void roundTripsAsAStream(Codec codec, int length, byte[] content) throws IOException {
    byte[] stored = Compressors.compress(codec, 0, content, 0, length);
    try (InputStream in =
        Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), length)) {
      assertThat(readAll(in)).isEqualTo(content);
    }
  }

  @Test
  void zstdEmptyFrameIsTheNineBytesUpstreamWrites() {
    byte[] frame = Compressors.compress(Codec.ZSTD, 3, new byte[0], 0, 0);
    assertThat(hex(frame)).isEqualTo("28 b5 2f fd 20 00 01 00 00");
  }

  @Test
  void zstdLevelZeroOrLessMeansThree() {
    byte[] content = text(20_000, 7);
    byte[] three = Compressors.compress(Codec.ZSTD, 3, content, 0, content.length);
    assertThat(Compressors.compress(Codec.ZSTD, 0, content, 0, content.length)).isEqualTo(three);
    assertThat(Compressors.compress(Codec.ZSTD, -5, content, 0, content.length)).isEqualTo(three);
    assertThat(Compressors.compress(Codec.ZSTD, 9, content, 0, content.length)).isNotEqualTo(three);
  }

  @Test
  void zstdFramesCarryTheContentSize() {
    byte[] content = text(100_000, 8);
    byte[] frame = Compressors.compress(Codec.ZSTD, 3, content, 0, content.length);
    assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(frame)).isEqualTo(100_000);
    // Frame header descriptor: no checksum flag (bit 2), no dictionary id (bits 0-1).
    assertThat(frame[4] & 0x07).isZero();
  }

  @Test
  void lz4SmallFramesAreByteForBytePythonLz4() {
    // lz4.frame.compress(b"hello") and lz4.frame.compress(b"") from python-lz4 4.0.2.
    assertThat(hex(Compressors.compress(Codec.LZ4, 0, "hello".getBytes(StandardCharsets.US_ASCII), 0, 5)))
        .isEqualTo("04 22 4d 18 68 40 05 00 00 00 00 00 00 00 61 05 00 00 80 68 65 6c 6c 6f 00 00 00 00");
    assertThat(hex(Compressors.compress(Codec.LZ4, 0, new byte[0], 0, 0)))
        .isEqualTo("04 22 4d 18 60 40 82 00 00 00 00");
  }

  @Test
  void lz4FramesUseIndependentBlocksSoLz4JavaCanReadThemToo() throws IOException {
    byte[] content = text(200_000, 9);
    byte[] frame = Compressors.compress(Codec.LZ4, 0, content, 0, content.length);
    assertThat(frame[4] & 0xFF).isEqualTo(0x68); // version 1, independent blocks, content size
    assertThat(frame[5] & 0xFF).isEqualTo(0x40); // 64 KiB blocks
    try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void lz4HighLevelsUseLz4HcAndStillRoundTrip() throws IOException {
    byte[] content = text(100_000, 10);
    byte[] fast = Compressors.compress(Codec.LZ4, 0, content, 0, content.length);
    byte[] hc = Compressors.compress(Codec.LZ4, 9, content, 0, content.length);
    assertThat(hc.length).isLessThan(fast.length);
    assertThat(Compressors.decompress(Codec.LZ4, hc, 0, hc.length, content.length)).isEqualTo(content);
  }

  @Test
  void incompressibleLz4BlocksAreStoredRaw() {
    byte[] content = noise(1000, 11);
    byte[] frame = Compressors.compress(Codec.LZ4, 0, content, 0, content.length);
    assertThat(frame).hasSize(15 + 4 + 1000 + 4);
    assertThat(frame[18] & 0x80).isEqualTo(0x80); // the high bit of the block size
  }

  @Test
  void compressAndDecompressHonourOffsets() throws IOException {
    byte[] content = text(10_000, 12);
    byte[] padded = new byte[content.length + 20];
    System.arraycopy(content, 0, padded, 7, content.length);
    for (Codec codec : Codec.values()) {
      byte[] stored = Compressors.compress(codec, 0, padded, 7, content.length);
      byte[] framed = new byte[stored.length + 9];
      System.arraycopy(stored, 0, framed, 5, stored.length);
      assertThat(Compressors.decompress(codec, framed, 5, stored.length, content.length))
          .as("%s", codec)
          .isEqualTo(content);
    }
  }

  @Test
  void levelsOutsideTheCodecsRangeAreRejected() {
    byte[] content = text(100, 13);
    assertThatThrownBy(() -> Compressors.compress(Codec.ZSTD, 23, content, 0, 100))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("zstd level 23 is above 22 (0 or less means the default, 3)");
    assertThatThrownBy(() -> Compressors.compress(Codec.LZ4, 13, content, 0, 100))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("lz4 level 13 is above 12 (2 or less means the fast compressor)");
  }

  @Test
  void noneChecksTheStoredLengthAgainstTheExpectedSize() {
    byte[] stored = text(100, 14);
    assertThatThrownBy(() -> Compressors.decompress(Codec.NONE, stored, 0, 100, 99))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessage("Stored size mismatch: expected 99, got 100");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void expectedSizeAboveTheLimitIsRefusedBeforeDecoding(Codec codec) {
    byte[] garbage = noise(10, 15);
    assertThatThrownBy(() -> Compressors.decompress(codec, garbage, 0, 10, 2_000_000, 1_000_000))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessage(
            "Entry of 2000000 bytes exceeds the in-memory limit of 1000000 bytes; stream it with"
                + " decompressingStream");
    assertThatThrownBy(() -> Compressors.decompress(codec, garbage, 0, 10, -1))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessage("Expected size -1 is negative");
  }

  @Test
  void defaultInMemoryLimitIs64MiB() {
    assertThat(Compressors.DEFAULT_MAX_ENTRY_BYTES).isEqualTo(64 << 20);
    assertThatThrownBy(() -> Compressors.decompress(Codec.NONE, new byte[0], 0, 0, (64 << 20) + 1))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith("Entry of 67108865 bytes exceeds the in-memory limit of 67108864 bytes");
  }

  @Test
  void zstdFramesWithoutContentSizeDecodeInMemory() throws IOException {
    byte[] content = text(70_000, 16);
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (var zout = new com.github.luben.zstd.ZstdOutputStreamNoFinalizer(bos)) {
      zout.write(content);
    }
    byte[] frame = bos.toByteArray();
    assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(frame)).isEqualTo(-1);
    assertThat(Compressors.decompress(Codec.ZSTD, frame, 0, frame.length, content.length))
        .isEqualTo(content);
  }

  @Test
  void streamsStopAtTheExpectedSizeAndThenReportEnd() throws IOException {
    byte[] content = text(1000, 17);
    for (Codec codec : Codec.values()) {
      byte[] stored = Compressors.compress(codec, 0, content, 0, content.length);
      try (InputStream in =
          Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), 1000)) {
        for (int i = 0; i < 1000; i++) {
          assertThat(in.read()).isEqualTo(content[i] & 0xFF);
        }
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
      }
    }
  }

  @Test
  void closingTheStreamClosesTheStoredStream() throws IOException {
    boolean[] closed = new boolean[1];
    InputStream stored =
        new ByteArrayInputStream(new byte[0]) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    Compressors.decompressingStream(Codec.ZSTD, stored, 0).close();
    assertThat(closed[0]).isTrue();
  }

  @Test
  void storageErrorsPassThroughTheStreamUnchanged() throws IOException {
    IOException storageFailure = new IOException("connection reset");
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw storageFailure;
          }
        };
    for (Codec codec : Codec.values()) {
      InputStream in = Compressors.decompressingStream(codec, failing, 10);
      assertThatThrownBy(() -> in.read(new byte[10], 0, 10)).as("%s", codec).isSameAs(storageFailure);
    }
  }

  @Test
  void compressorsAreSafeToShareAcrossThreads() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 150; i++) {
                    byte[] content = text(100 + (i * 997 + thread * 131) % 70_000, thread * 1000L + i);
                    Codec codec = Codec.values()[i % 3];
                    int level = codec == Codec.ZSTD ? 1 + i % 9 : i % 10;
                    byte[] stored = Compressors.compress(codec, level, content, 0, content.length);
                    assertThat(Compressors.decompress(codec, stored, 0, stored.length, content.length))
                        .isEqualTo(content);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
