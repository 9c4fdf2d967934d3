package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.codec.Codec;
import io.des.storage.BlobPath;
import io.des.storage.FaultyBlobStore;
import io.des.storage.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batch reads coalesce nearby entries into one request and still verify each entry on its own. */
class ShardBatchReadTest {
  private final InMemoryBlobStore memory = new InMemoryBlobStore();
  private final FaultyBlobStore counting = new FaultyBlobStore(memory);

  private ShardReader shard(Map<String, byte[]> entries, Map<String, Codec> codecs) throws Exception {
    ShardFixtures.put(memory, "b.des", ShardFixtures.shard(entries, codecs));
    ShardReader reader = ShardReader.open(counting, BlobPath.of("b.des"), ReaderLimits.DEFAULTS);
    counting.reset();
    return reader;
  }

  private static Map<String, byte[]> entries(int n, int size) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("u" + i, ("entry " + i + " ").repeat(size / 8 + 1).getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void nearbyEntriesCostOneRequest() throws Exception {
    Map<String, byte[]> entries = entries(20, 1000);
    Map<String, Codec> codecs = new LinkedHashMap<>();
    codecs.put("u3", Codec.ZSTD);
    codecs.put("u7", Codec.LZ4);
    ShardReader reader = shard(entries, codecs);
    List<IndexEntry> wanted = new ArrayList<>();
    for (String uid : new String[] {"u7", "u2", "u3", "u15"}) {
      wanted.add(reader.index().find(uid).orElseThrow());
    }
    List<ShardReader.BatchItem> items = reader.readBatch(wanted, 64 << 10, 8 << 20);
    assertThat(counting.rangedReads()).isEqualTo(1);
    assertThat(items).extracting(i -> i.entry().uid()).containsExactly("u7", "u2", "u3", "u15");
    for (ShardReader.BatchItem item : items) {
      assertThat(item.error()).isNull();
      assertThat(item.content()).isEqualTo(entries.get(item.entry().uid()));
    }
  }

  @Test
  void farApartEntriesAreReadSeparately() throws Exception {
    ShardReader reader = shard(entries(20, 1000), Map.of());
    List<IndexEntry> wanted = List.of(reader.index().find("u0").orElseThrow(), reader.index().find("u19").orElseThrow());
    reader.readBatch(wanted, 100, 8 << 20);
    assertThat(counting.rangedReads()).isEqualTo(2);
  }

  @Test
  void aCorruptEntrySpoilsOnlyItself() throws Exception {
    Map<String, byte[]> entries = entries(5, 100);
    byte[] bytes = ShardFixtures.shard(entries, Map.of());
    InMemoryBlobStore pristine = new InMemoryBlobStore();
    ShardFixtures.put(pristine, "x.des", bytes.clone());
    ShardReader clean = ShardReader.open(pristine, BlobPath.of("x.des"), ReaderLimits.DEFAULTS);
    bytes[(int) clean.index().find("u2").orElseThrow().offset()] ^= 1;
    ShardFixtures.put(memory, "b.des", bytes);
    ShardReader reader = ShardReader.open(counting, BlobPath.of("b.des"), ReaderLimits.DEFAULTS);
    List<ShardReader.BatchItem> items = reader.readBatch(reader.index().entries(), 64 << 10, 8 << 20);
    assertThat(items.get(2).error()).isInstanceOf(CorruptShardException.class).hasMessageContaining("entry 'u2'");
    assertThat(items.get(1).content()).isEqualTo(entries.get("u1"));
    assertThat(items.get(3).content()).isEqualTo(entries.get("u3"));
  }
}
