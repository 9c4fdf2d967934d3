package io.des.codec;

import static io.des.codec.TestFrames.noise;
import static io.des.codec.TestFrames.readAll;
import static io.des.codec.TestFrames.sha256;
import static io.des.codec.TestFrames.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames written by python-lz4 4.0.2 (liblz4 1.9.4) and python-zstandard 0.20.0 exactly as upstream
 * writes them, from golden/codec/make-codec-golden.py; manifest.tsv holds each raw input's length
 * and SHA-256.
 */
class CodecGoldenTest {

  private static final String DIR = "/golden/codec/";

  record Golden(String file, Codec codec, String variant, int rawLength, String sha256, String flags) {
    @Override
    public String toString() {
      return file;
    }
  }

  static List<Golden> manifest() throws IOException {
    List<Golden> frames = new ArrayList<>();
    for (String line : new String(resource("manifest.tsv"), StandardCharsets.US_ASCII).split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      frames.add(new Golden(f[0], Codec.fromLabel(f[1]), f[2], Integer.parseInt(f[3]), f[4], f[5]));
    }
    return frames;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifest")
  void decodesPythonFramesInMemory(Golden golden) throws IOException {
    byte[] frame = resource(golden.file());
    byte[] raw = Compressors.decompress(golden.codec(), frame, 0, frame.length, golden.rawLength());
    assertThat(raw).hasSize(golden.rawLength());
    assertThat(sha256(raw)).isEqualTo(golden.sha256());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifest")
  void decodesPythonFramesAsAStream(Golden golden) throws IOException {
    byte[] frame = resource(golden.file());
    try (InputStream in =
        Compressors.decompressingStream(
            golden.codec(), new ByteArrayInputStream(frame), golden.rawLength())) {
      assertThat(sha256(readAll(in))).isEqualTo(golden.sha256());
    }
  }

  @Test
  void corpusCoversLinkedBlocksChecksumsAndMissingSizes() throws IOException {
    List<String> flags = manifest().stream().map(Golden::flags).toList();
    assertThat(flags)
        .contains("FLG=48 BD=40") // linked blocks + content size: python-lz4's default over 64 KiB
        .contains("FLG=68 BD=40") // one block: liblz4 switches to independent mode
        .contains("FLG=5C BD=40") // linked, block checksums, content size, content checksum
        .contains("FLG=60 BD=50") // independent 256 KiB blocks, no content size
        .contains("FLG=60 BD=40") // empty input: no content size
        .contains("FHD=00") // zstd without content size
        .contains("FHD=A4"); // zstd with a checksum
  }

  @Test
  void pythonLz4LinksTheBlocksOfLargeInputsAndLz4JavaCannotReadThem() throws IOException {
    byte[] linked = resource("repeated-200k.default.lz4");
    assertThat(linked[4] & Lz4FrameHeader.FLG_BLOCK_INDEPENDENCE).isZero();
    assertThatThrownBy(() -> new LZ4FrameInputStream(new ByteArrayInputStream(linked)).readAllBytes())
        .isInstanceOf(IOException.class)
        .hasMessage("Invalid or unsupported frame descriptor")
        .cause()
        .hasMessage("Dependent block stream is unsupported (BLOCK_INDEPENDENCE must be set)");
  }

  @Test
  void flippingAChecksummedLz4FrameIsDetected() throws IOException {
    byte[] frame = resource("repeated-200k.checksums.lz4");
    byte[] blockFlip = frame.clone();
    blockFlip[30] ^= 0x01;
    assertThatThrownBy(() -> Compressors.decompress(Codec.LZ4, blockFlip, 0, blockFlip.length, 204800))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith("Corrupt lz4 frame: block checksum is ");
    byte[] contentFlip = frame.clone();
    contentFlip[frame.length - 1] ^= 0x01;
    assertThatThrownBy(() -> Compressors.decompress(Codec.LZ4, contentFlip, 0, contentFlip.length, 204800))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith("Corrupt lz4 frame: content checksum is ");
  }

  /**
   * Writes frames for the manual reverse check, {@code make-codec-golden.py --check-java
   * common/target/codec-cross-check}: python-lz4 and zstandard decode what DES writes.
   */
  @Test
  void writesJavaFramesForThePythonCrossCheck() throws IOException {
    Path dir = Path.of("target", "codec-cross-check");
    Files.createDirectories(dir);
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    inputs.put("empty", new byte[0]);
    inputs.put("hello", "hello".getBytes(StandardCharsets.US_ASCII));
    inputs.put("text-1k", text(1024, 1));
    inputs.put("noise-300", noise(300, 2));
    inputs.put("text-64k-plus-1", text(64 * 1024 + 1, 3));
    inputs.put("text-300k", text(300 * 1024, 4));
    StringBuilder manifest = new StringBuilder("# file\tcodec\traw_length\traw_sha256\n");
    int written = 0;
    for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
      byte[] raw = input.getValue();
      for (Object[] codecLevel : new Object[][] {{Codec.LZ4, 0}, {Codec.LZ4, 9}, {Codec.ZSTD, 3}, {Codec.ZSTD, 19}}) {
        Codec codec = (Codec) codecLevel[0];
        int level = (Integer) codecLevel[1];
        byte[] frame = Compressors.compress(codec, level, raw, 0, raw.length);
        assertThat(Compressors.decompress(codec, frame, 0, frame.length, raw.length)).isEqualTo(raw);
        String file = input.getKey() + ".level" + level + (codec == Codec.LZ4 ? ".lz4" : ".zst");
        Files.write(dir.resolve(file), frame);
        manifest.append(String.join("\t", file, codec.label(), Integer.toString(raw.length), sha256(raw))).append('\n');
        written++;
      }
    }
    Files.writeString(dir.resolve("manifest.tsv"), manifest);
    assertThat(written).isEqualTo(24);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CodecGoldenTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

}
