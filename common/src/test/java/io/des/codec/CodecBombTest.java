package io.des.codec;

import static io.des.codec.TestFrames.allocatedBytes;
import static io.des.codec.TestFrames.bytes;
import static io.des.codec.TestFrames.lz4WithContentSize;
import static io.des.codec.TestFrames.lz4WithoutContentSize;
import static io.des.codec.TestFrames.noise;
import static io.des.codec.TestFrames.readAll;
import static io.des.codec.TestFrames.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decompression bombs, truncation, garbage and tampering: always a CodecException, never an OOM. */
class CodecBombTest {

  private static final int TEN_MB = 10_000_000;
  private static final long ALLOCATION_BUDGET = 1 << 20;

  private static byte[] zstdBomb;
  private static byte[] zstdStreamedBomb;
  private static byte[] lz4Bomb;

  @BeforeAll
  static void makeBombs() throws IOException {
    byte[] zeros = new byte[TEN_MB];
    zstdBomb = Compressors.compress(Codec.ZSTD, 19, zeros, 0, zeros.length);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ZstdOutputStreamNoFinalizer out = new ZstdOutputStreamNoFinalizer(bos, 19)) {
      out.write(zeros);
    }
    zstdStreamedBomb = bos.toByteArray();
    lz4Bomb = Compressors.compress(Codec.LZ4, 0, zeros, 0, zeros.length);
    // Warm up the failure paths once: first-time class loading and string-concatenation bootstrap
    // allocate megabytes that have nothing to do with the input being decoded.
    for (Codec codec : Codec.values()) {
      byte[] stored = Compressors.compress(codec, 0, zeros, 0, 1000);
      catchThrowable(() -> readAll(Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), 1001)));
      catchThrowable(() -> readAll(Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), 999)));
      catchThrowable(() -> Compressors.decompress(codec, stored, 0, stored.length, 999));
    }
  }

  @Test
  void zstdFrameDeclaringTenMegabytesIsRefusedBeforeAllocating() {
    assertThat(zstdBomb.length).isLessThan(400);
    assertRefusedCheaply(
        () -> Compressors.decompress(Codec.ZSTD, zstdBomb, 0, zstdBomb.length, 10),
        "Decompressed size mismatch: expected 10, the zstd frame declares 10000000");
  }

  @Test
  void zstdFrameWithoutContentSizeStopsAtTheExpectedSize() {
    assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(zstdStreamedBomb)).isEqualTo(-1);
    assertRefusedCheaply(
        () -> Compressors.decompress(Codec.ZSTD, zstdStreamedBomb, 0, zstdStreamedBomb.length, 10),
        "Decompressed size mismatch: expected 10, got more than 10");
  }

  @Test
  void zstdFrameDeclaringASmallSizeButHoldingMoreIsCorrupt() {
    byte[] content = text(5000, 1);
    byte[] frame = Compressors.compress(Codec.ZSTD, 3, content, 0, content.length);
    // Single-segment header with a 2-byte size field (stored as size - 256): claim 300 bytes.
    assertThat(frame[4] & 0xC0).isEqualTo(0x40);
    frame[5] = (byte) (300 - 256);
    frame[6] = 0;
    assertThatThrownBy(() -> Compressors.decompress(Codec.ZSTD, frame, 0, frame.length, 300))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessage("Corrupt zstd frame: Src size is incorrect");
  }

  @Test
  void lz4FrameDeclaringTenMegabytesIsRefusedBeforeAllocating() {
    assertRefusedCheaply(
        () -> Compressors.decompress(Codec.LZ4, lz4Bomb, 0, lz4Bomb.length, 10),
        "Decompressed size mismatch: expected 10, the lz4 frame declares 10000000");
  }

  @Test
  void lz4FrameDeclaringASmallSizeButInflatingStopsAtTheExpectedSize() {
    byte[] lying = lz4WithContentSize(lz4Bomb, 10);
    assertRefusedCheaply(
        () -> Compressors.decompress(Codec.LZ4, lying, 0, lying.length, 10),
        "Decompressed size mismatch: expected 10, got more than 10");
  }

  @Test
  void lz4FrameWithoutContentSizeStopsAtTheExpectedSize() {
    byte[] silent = lz4WithoutContentSize(lz4Bomb);
    assertRefusedCheaply(
        () -> Compressors.decompress(Codec.LZ4, silent, 0, silent.length, 10),
        "Decompressed size mismatch: expected 10, got more than 10");
  }

  @Test
  void streamsStopBombsWithTheSameMessages() {
    assertStreamFails(Codec.ZSTD, zstdBomb, 10, "Decompressed size mismatch: expected 10, got more than 10");
    assertStreamFails(
        Codec.ZSTD, zstdStreamedBomb, 10, "Decompressed size mismatch: expected 10, got more than 10");
    assertStreamFails(
        Codec.LZ4, lz4Bomb, 10, "Decompressed size mismatch: expected 10, the lz4 frame declares 10000000");
    assertStreamFails(
        Codec.LZ4, lz4WithoutContentSize(lz4Bomb), 10, "Decompressed size mismatch: expected 10, got more than 10");
    assertStreamFails(Codec.NONE, new byte[11], 10, "Stored size mismatch: expected 10, got more than 10");
  }

  @Test
  void overrunIsReportedEvenWhenTheCallerStopsAtTheExpectedSize() throws IOException {
    for (Codec codec : Codec.values()) {
      byte[] stored = codec == Codec.NONE ? new byte[11] : codec == Codec.ZSTD ? zstdStreamedBomb : lz4WithoutContentSize(lz4Bomb);
      try (InputStream in = Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), 10)) {
        byte[] buf = new byte[10];
        // Never asks for more than the 10 bytes it wants (readNBytes would make a final 0-byte read).
        ThrowingCallable readExactlyTen =
            () -> {
              for (int got = 0; got < 10; ) {
                got += in.read(buf, got, 10 - got);
              }
            };
        assertThatThrownBy(readExactlyTen)
            .as("%s", codec)
            .isExactlyInstanceOf(CodecException.class)
            .hasMessageEndingWith("size mismatch: expected 10, got more than 10");
        assertThatThrownBy(in::read).as("%s after the failure", codec).isExactlyInstanceOf(CodecException.class);
      }
    }
  }

  @Test
  void zstdStreamRefusesAWindowLargerThanEightMegabytesForASmallEntry() throws IOException {
    byte[] content = text(1000, 2);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ZstdOutputStreamNoFinalizer out = new ZstdOutputStreamNoFinalizer(bos, 3)) {
      out.setLong(27); // long-distance mode with a 128 MiB window
      out.write(content);
    }
    assertStreamFails(
        Codec.ZSTD, bos.toByteArray(), 1000, "Corrupt zstd frame: Frame requires too much memory for decoding");
  }

  @Test
  void undersizedOutputIsAMismatch() {
    byte[] content = text(1000, 3);
    for (Codec codec : Codec.values()) {
      byte[] stored = Compressors.compress(codec, 0, content, 0, content.length);
      String expected =
          codec == Codec.NONE
              ? "Stored size mismatch: expected 1001, got 1000"
              : codec == Codec.ZSTD
                  ? "Decompressed size mismatch: expected 1001, got 1000"
                  : "Decompressed size mismatch: expected 1001, the lz4 frame declares 1000";
      assertStreamFails(codec, stored, 1001, expected);
    }
    byte[] lz4 = lz4WithoutContentSize(Compressors.compress(Codec.LZ4, 0, content, 0, 1000));
    assertThatThrownBy(() -> Compressors.decompress(Codec.LZ4, lz4, 0, lz4.length, 1001))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessage("Decompressed size mismatch: expected 1001, got 1000");
    assertStreamFails(Codec.LZ4, lz4, 1001, "Decompressed size mismatch: expected 1001, got 1000");
  }

  @Test
  void truncatedLz4FramesAreCorrupt() {
    byte[] content = text(100_000, 4);
    byte[] frame = Compressors.compress(Codec.LZ4, 0, content, 0, content.length);
    assertOneShotFails(Codec.LZ4, Arrays.copyOf(frame, 5), 100_000,
        "Corrupt lz4 frame: 5 bytes are too short for a frame header (at least 7)");
    assertOneShotFails(Codec.LZ4, Arrays.copyOf(frame, 10), 100_000,
        "Corrupt lz4 frame: header truncated: 10 of 15 bytes");
    assertOneShotFails(Codec.LZ4, Arrays.copyOf(frame, 100), 100_000,
        "Corrupt lz4 frame: block of " + Lz4FrameHeader.readIntLe(frame, 15) + " bytes truncated to 81");
    assertOneShotFails(Codec.LZ4, Arrays.copyOf(frame, frame.length - 4), 100_000,
        "Corrupt lz4 frame: frame ends without an end mark");
    assertStreamFails(Codec.LZ4, Arrays.copyOf(frame, frame.length - 4), 100_000,
        "Corrupt lz4 frame: frame ends without an end mark");
    assertStreamFails(Codec.LZ4, Arrays.copyOf(frame, 100), 100_000,
        "Corrupt lz4 frame: block of " + Lz4FrameHeader.readIntLe(frame, 15) + " bytes truncated");
  }

  @Test
  void truncatedZstdFramesAreCorrupt() {
    byte[] content = text(100_000, 5);
    byte[] frame = Compressors.compress(Codec.ZSTD, 3, content, 0, content.length);
    assertOneShotFails(Codec.ZSTD, Arrays.copyOf(frame, 3), 100_000,
        "Corrupt zstd frame: cannot read a frame header from 3 bytes");
    assertOneShotFails(Codec.ZSTD, Arrays.copyOf(frame, frame.length - 1), 100_000,
        "Corrupt zstd frame: Src size is incorrect");
    assertStreamFails(Codec.ZSTD, Arrays.copyOf(frame, frame.length - 1), 100_000,
        "Corrupt zstd frame: Truncated source");
  }

  @Test
  void garbageIsNotAFrame() {
    byte[] garbage = noise(1000, 6);
    garbage[0] = 1;
    assertOneShotFails(Codec.LZ4, garbage, 1000,
        String.format("Corrupt lz4 frame: magic is 01 %02X %02X %02X, expected 04 22 4D 18",
            garbage[1], garbage[2], garbage[3]));
    assertOneShotFails(Codec.ZSTD, garbage, 1000,
        "Corrupt zstd frame: cannot read a frame header from 1000 bytes");
    assertStreamFails(Codec.ZSTD, garbage, 1000, "Corrupt zstd frame: Unknown frame descriptor");
  }

  @Test
  void trailingBytesAfterTheFrameAreCorrupt() {
    byte[] content = text(1000, 7);
    for (Codec codec : new Codec[] {Codec.LZ4, Codec.ZSTD}) {
      byte[] frame = Compressors.compress(codec, 0, content, 0, content.length);
      byte[] padded = Arrays.copyOf(frame, frame.length + 3);
      assertOneShotFails(codec, padded, 1000,
          "Corrupt " + codec.label() + " frame: 3 bytes follow the end of the frame");
    }
    byte[] lz4 = Compressors.compress(Codec.LZ4, 0, content, 0, content.length);
    assertStreamFails(Codec.LZ4, Arrays.copyOf(lz4, lz4.length + 3), 1000,
        "Corrupt lz4 frame: bytes follow the end of the frame");
  }

  @Test
  void lz4HeaderChecksumIsVerified() {
    byte[] frame = Compressors.compress(Codec.LZ4, 0, text(100, 8), 0, 100);
    int hc = frame[14] & 0xFF;
    frame[14] ^= 1;
    assertOneShotFails(Codec.LZ4, frame, 100,
        String.format("Corrupt lz4 frame: header checksum is %02X, expected %02X", hc ^ 1, hc));
  }

  @Test
  void lz4ReservedBitsDictionaryIdsAndSmallBlockSizesAreRefused() {
    byte[] frame = Compressors.compress(Codec.LZ4, 0, text(100, 9), 0, 100);
    byte[] reserved = frame.clone();
    reserved[4] |= 0x02;
    assertOneShotFails(Codec.LZ4, reserved, 100, "Corrupt lz4 frame: reserved bits set in FLG 6A or BD 40");
    byte[] version = frame.clone();
    version[4] = (byte) ((version[4] & 0x3F) | 0x80);
    assertOneShotFails(Codec.LZ4, version, 100, "Corrupt lz4 frame: version 2 in FLG, expected 1");
    byte[] smallBlocks = frame.clone();
    smallBlocks[5] = 0x30;
    assertOneShotFails(Codec.LZ4, smallBlocks, 100, "Corrupt lz4 frame: block size id 3, expected 4 to 7");
    byte[] dictionary = frame.clone();
    dictionary[4] |= 0x01;
    assertOneShotFails(Codec.LZ4, dictionary, 100,
        "Corrupt lz4 frame: frames with a dictionary id are not supported");
  }

  @Test
  void lz4MatchReachingBeforeTheOutputIsCorrupt() {
    // Header (no content size) + one block: token 0x00 (no literals, match of 4) at offset 5.
    byte[] frame = TestFrames.fixLz4HeaderChecksum(bytes("04 22 4d 18 60 40 00 03 00 00 00 00 05 00 00 00 00 00"));
    assertOneShotFails(Codec.LZ4, frame, 4,
        "Corrupt lz4 frame: match offset 5 reaches before the start of the window at byte 1 of a block");
    assertStreamFails(Codec.LZ4, frame, 4,
        "Corrupt lz4 frame: match offset 5 reaches before the start of the window at byte 1 of a block");
  }

  @Test
  void lz4BlockLargerThanTheMaximumIsCorrupt() {
    byte[] frame = TestFrames.fixLz4HeaderChecksum(bytes("04 22 4d 18 60 40 00 01 00 01 00 00"));
    assertOneShotFails(Codec.LZ4, frame, 100,
        "Corrupt lz4 frame: block of 65537 bytes exceeds the frame's maximum block size 65536");
  }

  @Test
  void lz4RawBlockLongerThanExpectedIsAnOverrun() {
    byte[] frame = TestFrames.fixLz4HeaderChecksum(bytes("04 22 4d 18 60 40 00 05 00 00 80 61 62 63 64 65 00 00 00 00"));
    assertOneShotFails(Codec.LZ4, frame, 4, "Decompressed size mismatch: expected 4, got more than 4");
    assertStreamFails(Codec.LZ4, frame, 4, "Decompressed size mismatch: expected 4, got more than 4");
    assertThat(new String(assertDecodes(frame, 5))).isEqualTo("abcde");
  }

  private static byte[] assertDecodes(byte[] frame, int expected) {
    try {
      return Compressors.decompress(Codec.LZ4, frame, 0, frame.length, expected);
    } catch (CodecException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertRefusedCheaply(ThrowingCallable call, String message) {
    long before = allocatedBytes();
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(call);
    long allocated = allocatedBytes() - before;
    long nanos = System.nanoTime() - start;
    assertThat(thrown).isExactlyInstanceOf(CodecException.class).hasMessage(message);
    assertThat(allocated).as("bytes allocated").isLessThan(ALLOCATION_BUDGET);
    assertThat(nanos).as("nanoseconds").isLessThan(500_000_000L);
  }

  private static void assertOneShotFails(Codec codec, byte[] stored, int expected, String message) {
    assertThatThrownBy(() -> Compressors.decompress(codec, stored, 0, stored.length, expected))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessage(message);
  }

  private static void assertStreamFails(Codec codec, byte[] stored, int expected, String messageStart) {
    long before = allocatedBytes();
    Throwable thrown =
        catchThrowable(
            () -> {
              try (InputStream in =
                  Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), expected)) {
                readAll(in);
              }
            });
    long allocated = allocatedBytes() - before;
    assertThat(thrown)
        .as("%s stream", codec)
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith(messageStart);
    assertThat(allocated).as("bytes allocated").isLessThan(ALLOCATION_BUDGET);
  }
}
