package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.storage.BlobPath;
import io.des.storage.LocalBlobStore;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Shards written in the upstream layouts (golden/upstream/make-upstream-golden.py) read exactly. */
class UpstreamGoldenTest {
  private final LocalBlobStore store = new LocalBlobStore(goldenDir());

  static Path goldenDir() {
    try {
      return Path.of(UpstreamGoldenTest.class.getResource("/golden/upstream/v2-empty.des").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private ShardReader open(String name) throws Exception {
    return ShardReader.open(store, BlobPath.of(name), ReaderLimits.DEFAULTS);
  }

  @Test
  void readsTheUpstreamV2WorkedExample() throws Exception {
    ShardReader reader = open("v2-hello-world.des");
    assertThat(reader.index().version()).isEqualTo(2);
    assertThat(reader.index().sealed()).isFalse();
    assertThat(reader.index().shardSize()).isEqualTo(117);
    assertThat(reader.read("a")).asString(StandardCharsets.UTF_8).isEqualTo("hello");
    assertThat(reader.read("b")).asString(StandardCharsets.UTF_8).isEqualTo("world!");
  }

  @Test
  void readsTheUpstreamV1Shards() throws Exception {
    ShardReader reader = open("v1-hello-world.des");
    assertThat(reader.index().version()).isEqualTo(1);
    assertThat(reader.index().shardSize()).isEqualTo(107);
    assertThat(reader.read("b")).asString(StandardCharsets.UTF_8).isEqualTo("world!");
    assertThat(open("v1-legacy.des").read("legacy-uid")).asString(StandardCharsets.UTF_8).isEqualTo("legacy-data");
  }

  @Test
  void readsMetaNonAsciiUidsAndEmptyEntries() throws Exception {
    ShardReader reader = open("v2-meta-unicode-empty.des");
    assertThat(reader.read("file-\u00e4\u20ac")).asString(StandardCharsets.UTF_8).isEqualTo("zawarto\u015b\u0107 \u00e4\u20ac");
    assertThat(reader.index().find("file-\u00e4\u20ac").orElseThrow().createdAt()).isEqualTo("2024-03-01T00:00:00Z");
    assertThat(reader.read("empty")).isEmpty();
    assertThat(reader.read("00042")).asString(StandardCharsets.UTF_8).isEqualTo("forty-two");
    assertThat(reader.index().find("00042").orElseThrow().metaJson()).isEqualTo("{\"k\":[1,2,{\"x\":null}]}");
  }

  @Test
  void readsBigFilesFromBesideTheShard() throws Exception {
    ShardReader reader = open("v2-bigfile.des");
    IndexEntry large = reader.index().find("large").orElseThrow();
    assertThat(large.isBigFile()).isTrue();
    assertThat(large.contentSize()).isEqualTo(64);
    byte[] expected = new byte[64];
    for (int i = 0; i < 64; i++) {
      expected[i] = (byte) i;
    }
    assertThat(reader.read("large")).isEqualTo(expected);
    assertThat(reader.read("small")).asString(StandardCharsets.UTF_8).isEqualTo("tiny");
  }

  @Test
  void readsTheSmallestShard() throws Exception {
    assertThat(open("v2-empty.des").index().entries()).isEmpty();
  }

  @Test
  void verifierAcceptsEveryGoldenShard() throws Exception {
    for (String name : new String[] {"v1-hello-world.des", "v1-legacy.des", "v2-hello-world.des", "v2-meta-unicode-empty.des", "v2-bigfile.des", "v2-empty.des"}) {
      ShardVerifier.Result result = ShardVerifier.verify(store, BlobPath.of(name), ReaderLimits.DEFAULTS);
      assertThat(result.problems()).as(name).isEmpty();
      assertThat(result.verified()).as(name).isEqualTo(result.entries());
    }
  }
}
