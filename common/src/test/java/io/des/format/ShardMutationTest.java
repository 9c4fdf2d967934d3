package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of randomly corrupted DES shards: every read either fails with {@link
 * CorruptShardException} or returns exactly the bytes that were written. Never wrong bytes, never
 * another exception.
 */
class ShardMutationTest {
  private static final int MUTATIONS = 5000;

  @Test
  void corruptedShardsAreRejectedOrReadCorrectly() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Random random = new Random(20261125);
    for (int i = 0; i < 12; i++) {
      byte[] content = new byte[random.nextInt(300)];
      random.nextBytes(content);
      entries.put("uid-" + i + (i % 3 == 0 ? "-\u00e4" : ""), content);
    }
    entries.put("empty", new byte[0]);
    // Compressible entries stored as zstd and lz4 frames, so corruption also hits the decoders.
    Map<String, io.des.codec.Codec> codecs = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      String text = ("line " + i + " of a compressible record, ").repeat(20 + random.nextInt(60));
      String uid = "text-" + i;
      entries.put(uid, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      codecs.put(uid, i % 2 == 0 ? io.des.codec.Codec.ZSTD : io.des.codec.Codec.LZ4);
    }
    byte[] good = ShardFixtures.shard(entries, codecs);
    InMemoryBlobStore store = new InMemoryBlobStore();
    BlobPath path = BlobPath.of("m.des");
    int rejected = 0;
    int intact = 0;
    for (int n = 0; n < MUTATIONS; n++) {
      byte[] bad = mutate(good, random);
      ShardFixtures.put(store, path.key(), bad);
      try {
        ShardReader reader = ShardReader.open(store, path, ReaderLimits.DEFAULTS);
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          byte[] read = reader.read(e.getKey());
          if (!Arrays.equals(read, e.getValue())) {
            fail("Mutation %d returned wrong bytes for %s", n, e.getKey());
          }
        }
        intact++;
      } catch (CorruptShardException expected) {
        rejected++;
      } catch (Exception other) {
        throw new AssertionError("Mutation " + n + " gave " + other, other);
      }
    }
    assertThat(rejected + intact).isEqualTo(MUTATIONS);
    assertThat(rejected).as("most mutations hit checked bytes").isGreaterThan(MUTATIONS * 9 / 10);
    assertThat(ShardReader.open(storeOf(good), path, ReaderLimits.DEFAULTS).index().find("text-1").orElseThrow().codec())
        .isEqualTo(io.des.codec.Codec.LZ4);
  }

  private static InMemoryBlobStore storeOf(byte[] shard) throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    ShardFixtures.put(store, "m.des", shard);
    return store;
  }

  /** One of: flip a few bits, overwrite a byte, truncate, append, or swap two bytes. */
  private static byte[] mutate(byte[] good, Random random) {
    byte[] bad = good.clone();
    switch (random.nextInt(5)) {
      case 0 -> {
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
          bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
      case 2 -> bad = Arrays.copyOf(good, random.nextInt(good.length));
      case 3 -> {
        bad = Arrays.copyOf(good, good.length + 1 + random.nextInt(16));
        for (int i = good.length; i < bad.length; i++) {
          bad[i] = (byte) random.nextInt(256);
        }
      }
      default -> {
        int i = random.nextInt(bad.length);
        int j = random.nextInt(bad.length);
        byte t = bad[i];
        bad[i] = bad[j];
        bad[j] = t;
      }
    }
    return bad;
  }
}
