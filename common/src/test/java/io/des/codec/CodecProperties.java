package io.des.codec;

import static io.des.codec.TestFrames.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CodecProperties {

  @Property(tries = 300)
  void anyBytesRoundTripWithAnyCodecAndLevel(
      @ForAll("contents") byte[] content, @ForAll Codec codec, @ForAll @IntRange(min = -1, max = 12) int level)
      throws IOException {
    byte[] stored = Compressors.compress(codec, level, content, 0, content.length);
    assertThat(Compressors.decompress(codec, stored, 0, stored.length, content.length)).isEqualTo(content);
    try (InputStream in =
        Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), content.length)) {
      assertThat(readAll(in)).isEqualTo(content);
    }
  }

  /** Damaged frames (no checksums) may decode to other bytes, but only ever to the expected size. */
  @Property(tries = 500)
  void aFlippedOrCutFrameDecodesToTheExpectedSizeOrFailsWithCodecException(
      @ForAll("contents") byte[] content,
      @ForAll Codec codec,
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int flip,
      @ForAll boolean cut) {
    byte[] stored = Compressors.compress(codec, 0, content, 0, content.length);
    byte[] damaged;
    if (cut) {
      damaged = Arrays.copyOf(stored, position % (stored.length + 1));
    } else {
      damaged = stored.clone();
      if (damaged.length > 0) {
        damaged[position % damaged.length] ^= (byte) flip;
      }
    }
    assertDecodesToSizeOrFails(codec, damaged, content.length);
  }

  @Property(tries = 500)
  void aFlippedLinkedPythonFrameDecodesToTheExpectedSizeOrFailsWithCodecException(
      @ForAll @IntRange(min = 0, max = 100_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int flip)
      throws IOException {
    byte[] damaged;
    try (InputStream in = getClass().getResourceAsStream("/golden/codec/mixed-130k.default.lz4")) {
      damaged = in.readAllBytes();
    }
    damaged[position % damaged.length] ^= (byte) flip;
    assertDecodesToSizeOrFails(Codec.LZ4, damaged, 129_600);
  }

  @Property(tries = 500)
  void garbageWithAnyClaimedSizeFailsWithCodecException(
      @ForAll @Size(max = 300) byte[] garbage,
      @ForAll Codec codec,
      @ForAll @IntRange(min = 0, max = 50_000_000) int expected,
      @ForAll boolean withMagic) {
    byte[] input = garbage.clone();
    if (withMagic && input.length >= 4) {
      byte[] magic = codec == Codec.LZ4 ? new byte[] {4, 0x22, 0x4D, 0x18} : new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
      System.arraycopy(magic, 0, input, 0, 4);
    }
    long before = TestFrames.allocatedBytes();
    assertDecodesToSizeOrFails(codec, input, expected < 1000 ? expected : expected % 300);
    try {
      readAll(Compressors.decompressingStream(codec, new ByteArrayInputStream(input), expected));
    } catch (CodecException expectedFailure) {
      // the only acceptable failure
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(TestFrames.allocatedBytes() - before).isLessThan(8L << 20);
  }

  private static void assertDecodesToSizeOrFails(Codec codec, byte[] stored, int expected) {
    try {
      assertThat(Compressors.decompress(codec, stored, 0, stored.length, expected)).hasSize(expected);
    } catch (CodecException expectedFailure) {
      assertThat(expectedFailure.getMessage()).isNotBlank();
    }
    try (InputStream in =
        Compressors.decompressingStream(codec, new ByteArrayInputStream(stored), expected)) {
      assertThat(readAll(in)).hasSize(expected);
    } catch (CodecException expectedFailure) {
      assertThat(expectedFailure.getMessage()).isNotBlank();
    } catch (IOException e) {
      throw new AssertionError("not a CodecException", e);
    }
  }

  @Provide
  Arbitrary<byte[]> contents() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    Arbitrary<byte[]> repetitive =
        Arbitraries.integers()
            .between(0, 200_000)
            .flatMap(n -> Arbitraries.longs().map(seed -> TestFrames.text(n, seed)));
    Arbitrary<byte[]> runs =
        Arbitraries.integers().between(0, 140_000).map(n -> new byte[n]);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, random), net.jqwik.api.Tuple.of(3, repetitive), net.jqwik.api.Tuple.of(1, runs));
  }
}
