package io.des.codec;

import static io.des.codec.TestFrames.noise;
import static io.des.codec.TestFrames.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionPolicyTest {

  private static final byte[] TEXT = text(8192, 1);

  @ParameterizedTest
  @ValueSource(strings = {"abc.JPG", "archive.tar.gz", "a/b.png", "x.jpeg", "x.GIF", "x.zip", "x.bz2", "x.xz", "a.png/"})
  void upstreamSkipListStoresAsIs(String uid) {
    CompressionPolicy policy = CompressionPolicy.defaults();
    assertThat(policy.skipsExtensionOf(uid)).isTrue();
    assertThat(policy.encode(uid, TEXT, 0, TEXT.length).codec()).isEqualTo(Codec.NONE);
  }

  @ParameterizedTest
  @ValueSource(strings = {".jpg", "file.", "x.mp4", "x.tgz", "x.zst", "x.7z", "dir.png/file", "jpg", ""})
  void otherUidsAreCompressedByTheExtensionRule(String uid) {
    CompressionPolicy policy = CompressionPolicy.defaults();
    assertThat(policy.skipsExtensionOf(uid)).isFalse();
    assertThat(policy.encode(uid, TEXT, 0, TEXT.length).codec()).isEqualTo(Codec.ZSTD);
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          abc.JPG        | .JPG
          archive.tar.gz | .gz
          a/b.png        | .png
          .jpg           | ''
          file.          | ''
          a.png/         | .png
          a.png/.        | .png
          a/./b.GIF      | .GIF
          ..             | ''
          x..png         | .png
          dir.png/file   | ''
          .hidden.png    | .png
          x. png         | '. png'
          ''             | ''
          """)
  void suffixIsPythonsPurePosixPathSuffix(String uid, String suffix) {
    // Expected values printed by Python 3.11 and 3.12: Path(uid).suffix
    assertThat(CompressionPolicy.suffix(uid)).isEqualTo(suffix);
  }

  @Test
  void randomContentIsStoredAsIs() {
    byte[] random = noise(4096, 2);
    Encoded encoded = CompressionPolicy.defaults().encode("blob.bin", random, 0, random.length);
    assertThat(encoded.codec()).isEqualTo(Codec.NONE);
    assertThat(encoded.stored()).isSameAs(random);
    assertThat(encoded.storedLength()).isEqualTo(4096);
  }

  @Test
  void pngMagicIsStoredAsIsWhateverTheName() {
    byte[] png = Arrays.copyOf(TestFrames.bytes("89 50 4e 47 0d 0a 1a 0a"), 4096); // zeros compress well
    assertThat(CompressionPolicy.defaults().encode("image.bin", png, 0, png.length).codec())
        .isEqualTo(Codec.NONE);
  }

  @Test
  void textIsCompressedAndDecodesBack() throws IOException {
    for (CompressionPolicy policy :
        new CompressionPolicy[] {
          CompressionPolicy.defaults(),
          CompressionPolicy.upstreamSpeed(),
          CompressionPolicy.upstreamBalanced(),
          CompressionPolicy.upstreamAggressive()
        }) {
      Encoded encoded = policy.encode("note.txt", TEXT, 0, TEXT.length);
      assertThat(encoded.codec()).isEqualTo(policy.codec());
      assertThat(encoded.storedLength()).isLessThan(TEXT.length * 8 / 10);
      assertThat(encoded.rawLength()).isEqualTo(TEXT.length);
      byte[] decoded =
          Compressors.decompress(
              encoded.codec(), encoded.stored(), encoded.storedOffset(), encoded.storedLength(), encoded.rawLength());
      assertThat(decoded).isEqualTo(TEXT);
    }
  }

  @Test
  void presetsMatchUpstreamProfiles() {
    assertThat(CompressionPolicy.none().codec()).isEqualTo(Codec.NONE);
    assertThat(CompressionPolicy.defaults()).extracting(CompressionPolicy::codec, CompressionPolicy::level)
        .containsExactly(Codec.ZSTD, 3);
    assertThat(CompressionPolicy.upstreamSpeed()).extracting(CompressionPolicy::codec, CompressionPolicy::level)
        .containsExactly(Codec.LZ4, 0);
    assertThat(CompressionPolicy.upstreamBalanced()).extracting(CompressionPolicy::codec, CompressionPolicy::level)
        .containsExactly(Codec.ZSTD, 5);
    assertThat(CompressionPolicy.upstreamAggressive()).extracting(CompressionPolicy::codec, CompressionPolicy::level)
        .containsExactly(Codec.ZSTD, 9);
    assertThat(CompressionPolicy.defaults().skipExtensions())
        .containsExactlyInAnyOrder(".jpg", ".jpeg", ".png", ".gif", ".gz", ".zip", ".bz2", ".xz");
    assertThat(CompressionPolicy.defaults().minGainRatio()).isEqualTo(0.97);
    assertThat(CompressionPolicy.defaults().minSize()).isEqualTo(64);
  }

  @Test
  void nonePolicyNeverCompresses() {
    Encoded encoded = CompressionPolicy.none().encode("note.txt", TEXT, 10, 100);
    assertThat(encoded).isEqualTo(new Encoded(Codec.NONE, TEXT, 10, 100, 100));
  }

  @Test
  void entriesBelowTheMinimumSizeAreNotTried() {
    byte[] small = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(); // 63 bytes
    assertThat(CompressionPolicy.defaults().encode("a.txt", small, 0, 63).codec()).isEqualTo(Codec.NONE);
    assertThat(CompressionPolicy.defaults().withMinSize(0).encode("a.txt", small, 0, 63).codec())
        .isEqualTo(Codec.ZSTD);
  }

  @Test
  void compressionThatDoesNotPayIsDropped() {
    // Half text, half noise: compresses to roughly 60 %, so a 0.5 ratio rejects it and 0.97 keeps it.
    byte[] mixed = new byte[8192];
    System.arraycopy(text(4096, 3), 0, mixed, 0, 4096);
    System.arraycopy(noise(4096, 4), 0, mixed, 4096, 4096);
    assertThat(CompressionPolicy.defaults().encode("m.bin", mixed, 0, mixed.length).codec()).isEqualTo(Codec.ZSTD);
    assertThat(CompressionPolicy.defaults().withMinGainRatio(0.5).encode("m.bin", mixed, 0, mixed.length).codec())
        .isEqualTo(Codec.NONE);
  }

  @Test
  void customSkipExtensionsAreLowercased() {
    CompressionPolicy policy = CompressionPolicy.defaults().withSkipExtensions(Set.of(".MP4", ".zst"));
    assertThat(policy.skipExtensions()).containsExactlyInAnyOrder(".mp4", ".zst");
    assertThat(policy.skipsExtensionOf("video.Mp4")).isTrue();
    assertThat(policy.skipsExtensionOf("photo.jpg")).isFalse();
  }

  @Test
  void invalidSettingsAreRejected() {
    CompressionPolicy base = CompressionPolicy.defaults();
    assertThatThrownBy(() -> base.withMinGainRatio(0))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("minGainRatio 0.0 is outside (0, 1]");
    assertThatThrownBy(() -> base.withMinGainRatio(Double.NaN))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("minGainRatio NaN is outside (0, 1]");
    assertThatThrownBy(() -> base.withMinSize(-1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("minSize -1 is negative");
    assertThatThrownBy(() -> base.withSkipExtensions(Set.of("jpg")))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("Skip extension 'jpg' must be a dot followed by at least one character");
    assertThatThrownBy(() -> new CompressionPolicy(Codec.ZSTD, 30, Set.of(), 0.9, 0))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("zstd level 30 is above 22 (0 or less means the default, 3)");
  }

  @Test
  void encodedRejectsInconsistentLengths() {
    assertThatThrownBy(() -> new Encoded(Codec.NONE, new byte[10], 0, 10, 9))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("Raw length 9 does not fit stored length 10 for NONE");
    assertThatThrownBy(() -> new Encoded(Codec.ZSTD, new byte[10], 5, 10, 100))
        .isExactlyInstanceOf(IndexOutOfBoundsException.class);
  }
}
