package io.des.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.FaultyBlobStore;
import io.des.storage.InMemoryBlobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Catalog generations: create-only, race-safe, readable without a catalog for upstream folders. */
class ShardCatalogTest {
  static final ShardKey KEY = new ShardKey("20240101", "39");

  protected BlobStore newStore() {
    return new InMemoryBlobStore();
  }

  static LiveShard shard(int seq) {
    return new LiveShard(ShardName.first(KEY, seq).fileName(), 100 + seq, 10);
  }

  @Test
  void emptyKeyHasGenerationZero() throws Exception {
    CatalogState state = new ShardCatalog(newStore()).load(KEY);
    assertThat(state.generation()).isZero();
    assertThat(state.shards()).isEmpty();
    assertThat(state.nextSeq()).isZero();
  }

  @Test
  void commitsAppearAsNumberedGenerations() throws Exception {
    BlobStore store = newStore();
    ShardCatalog catalog = new ShardCatalog(store);
    catalog.commit(KEY, 0, s -> s.withShard(shard(0), 8));
    CatalogState second = catalog.commit(KEY, 0, s -> s.withShard(shard(1), 8));
    assertThat(second.generation()).isEqualTo(2);
    assertThat(second.nextSeq()).isEqualTo(2);
    assertThat(store.stat(BlobPath.of("_catalog/20240101/39/0000000001.json"))).isPresent();
    assertThat(store.stat(BlobPath.of("_catalog/20240101/39/0000000002.json"))).isPresent();
    CatalogState loaded = new ShardCatalog(store).load(KEY);
    assertThat(loaded.generation()).isEqualTo(2);
    assertThat(loaded.shards()).extracting(LiveShard::name).containsExactly("20240101_39_0000.des", "20240101_39_0001.des");
  }

  @Test
  void aKeyWithoutACatalogCostsOneReadAndAKeyWithManyGenerationsThree() throws Exception {
    FaultyBlobStore store = new FaultyBlobStore(newStore());
    ShardCatalog catalog = new ShardCatalog(store);
    assertThat(catalog.load(KEY).generation()).isZero();
    assertThat(store.reads()).as("generation 1, missing: the whole cost of a new key").isEqualTo(1);

    for (int seq = 0; seq < 5; seq++) {
      LiveShard next = shard(seq);
      catalog.commit(KEY, 0, s -> s.withShard(next, 8));
    }
    store.reset();
    assertThat(catalog.load(KEY).generation()).isEqualTo(5);
    assertThat(store.reads()).as("generation 1, the hint (generation 5), generation 6 missing").isEqualTo(3);
  }

  @Test
  void aLaggingHintStillFindsTheNewestGeneration() throws Exception {
    BlobStore store = newStore();
    ShardCatalog catalog = new ShardCatalog(store);
    catalog.commit(KEY, 0, s -> s.withShard(shard(0), 8));
    assertThat(store.stat(BlobPath.of("_catalog/20240101/39/head.json"))).as("generation 1 needs no hint").isEmpty();
    catalog.commit(KEY, 0, s -> s.withShard(shard(1), 8));
    byte[] oldHint = store.open(BlobPath.of("_catalog/20240101/39/head.json")).readAllBytes();
    catalog.commit(KEY, 0, s -> s.withShard(shard(2), 8));
    catalog.commit(KEY, 0, s -> s.withShard(shard(3), 8));
    store.putReplace(BlobPath.of("_catalog/20240101/39/head.json"), oldHint); // a slow writer's late hint
    CatalogState loaded = catalog.load(KEY);
    assertThat(loaded.generation()).isEqualTo(4);
    assertThat(loaded.shards()).hasSize(4);
  }

  @Test
  void anUnreadableHintIsIgnored() throws Exception {
    BlobStore store = newStore();
    ShardCatalog catalog = new ShardCatalog(store);
    catalog.commit(KEY, 0, s -> s.withShard(shard(0), 8));
    catalog.commit(KEY, 0, s -> s.withShard(shard(1), 8));
    store.putReplace(BlobPath.of("_catalog/20240101/39/head.json"), new byte[0]); // torn by a crash
    assertThat(catalog.load(KEY).generation()).isEqualTo(2);
  }

  @Test
  void aStaleBaseIsReloadedNotCommittedOver() throws Exception {
    BlobStore store = newStore();
    ShardCatalog catalog = new ShardCatalog(store);
    CatalogState stale = catalog.commit(KEY, 0, s -> s.withShard(shard(0), 8));
    catalog.commit(KEY, 0, s -> s.withShard(shard(1), 8)); // another writer moved on
    CatalogState next = catalog.commit(KEY, 0, s -> s.withShard(shard(2), 8), stale);
    assertThat(next.generation()).isEqualTo(3);
    assertThat(next.shards()).extracting(LiveShard::name)
        .containsExactly("20240101_39_0000.des", "20240101_39_0001.des", "20240101_39_0002.des");
  }

  @Test
  void concurrentWritersNeverLoseACommit() throws Exception {
    BlobStore store = newStore();
    int writers = 8;
    int perWriter = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CyclicBarrier barrier = new CyclicBarrier(writers);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      futures.add(pool.submit(() -> {
        ShardCatalog catalog = new ShardCatalog(store);
        barrier.await();
        for (int i = 0; i < perWriter; i++) {
          int seq = id * 100 + i;
          catalog.commit(KEY, 0, s -> s.withShard(shard(seq), 8));
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    CatalogState state = new ShardCatalog(store).load(KEY);
    assertThat(state.shards()).hasSize(writers * perWriter);
    assertThat(state.generation()).isEqualTo(writers * perWriter);
  }

  @Test
  void aStaleFencingTokenIsRefused() throws Exception {
    ShardCatalog catalog = new ShardCatalog(newStore());
    catalog.commit(KEY, 7, s -> s.withShard(shard(0), 8));
    assertThatThrownBy(() -> catalog.commit(KEY, 6, s -> s.withShard(shard(1), 8)))
        .isInstanceOf(CatalogConflictException.class)
        .hasMessage("Commit to 20240101_39 refused: fencing token 6 is older than 7 recorded in generation 1");
    assertThat(catalog.load(KEY).shards()).hasSize(1);
  }

  @Test
  void upstreamFoldersWithoutACatalogAreListed() throws Exception {
    BlobStore store = newStore();
    store.putExclusive(BlobPath.of("20240101_39_0000.des"), new byte[24]);
    store.putExclusive(BlobPath.of("20240101_39_0003.des"), new byte[24]);
    store.putExclusive(BlobPath.of("20240101_3A_0000.des"), new byte[24]);
    CatalogState state = new ShardCatalog(store).load(KEY);
    assertThat(state.generation()).isZero();
    assertThat(state.shards()).extracting(LiveShard::name).containsExactly("20240101_39_0000.des", "20240101_39_0003.des");
    assertThat(state.nextSeq()).isEqualTo(4);
  }

  @Test
  void aCorruptGenerationIsReportedWithItsName() throws Exception {
    BlobStore store = newStore();
    store.putExclusive(BlobPath.of("_catalog/20240101/39/0000000001.json"), "{\"format\":1,\"key\":\"20240101_3A\"}".getBytes());
    assertThatThrownBy(() -> new ShardCatalog(store).load(KEY))
        .isInstanceOf(CorruptCatalogException.class)
        .hasMessage("Corrupt catalog _catalog/20240101/39/0000000001.json: key 20240101_3A, expected 20240101_39");
  }

  @Test
  void shardNamesParseAndFormat() {
    assertThat(ShardName.parse("20240101_39_0000.des")).contains(ShardName.first(KEY, 0));
    assertThat(ShardName.parse("20240101_39_0012_R002.des").orElseThrow().revision()).isEqualTo(2);
    assertThat(ShardName.first(KEY, 12).nextRevision().fileName()).isEqualTo("20240101_39_0012_R002.des");
    assertThat(ShardName.parse("20240101_39_0012_R001.des")).isEmpty();
    assertThat(ShardName.parse("20240101_39.des")).isEmpty();
    assertThat(ShardName.first(KEY, 12345).fileName()).isEqualTo("20240101_39_12345.des");
  }
}
