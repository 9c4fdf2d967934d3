package io.des.tombstone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.format.EntryNotFoundException;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TombstoneStoreTest {
  @TempDir Path tmp;
  private static final ShardKey KEY = new ShardKey("20240101", "64");
  private static final Instant NOW = Instant.parse("2024-02-01T12:00:00Z");

  static Tombstone tombstone(ShardKey key, String uid) {
    return new Tombstone(key, uid, "2024-01-01T10:00:00Z", NOW, "admin", DeletionReason.GDPR, "T-1", NOW.plus(Duration.ofHours(48)));
  }

  @Test
  void aTombstoneIsCreatedOnceAndReadBack() throws Exception {
    TombstoneStore store = new TombstoneStore(new InMemoryBlobStore());
    assertThat(store.find(KEY, "100")).isEmpty();
    assertThat(store.add(tombstone(KEY, "100"))).isTrue();
    Tombstone second = new Tombstone(KEY, "100", "2024-01-01T23:00:00Z", NOW.plusSeconds(5), "other", DeletionReason.USER_REQUEST, null, NOW.plusSeconds(9));
    assertThat(store.add(second)).as("already deleted").isFalse();
    assertThat(new TombstoneStore(store.store()).find(KEY, "100")).contains(tombstone(KEY, "100"));
    assertThat(store.find(KEY, "356")).isEmpty();
    assertThat(store.find(new ShardKey("20240102", "64"), "100")).as("another day is another file").isEmpty();
  }

  @Test
  void concurrentDeletesOfDifferentFilesAllLandAndOfOneFileExactlyOneWins() throws Exception {
    TombstoneStore store = new TombstoneStore(new LocalBlobStore(tmp));
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> distinct = new ArrayList<>();
      List<Future<Boolean>> same = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String uid = "u" + i;
        distinct.add(pool.submit(() -> {
          start.await();
          return store.add(tombstone(KEY, uid));
        }));
        same.add(pool.submit(() -> {
          start.await();
          return store.add(tombstone(KEY, "shared"));
        }));
      }
      start.countDown();
      for (Future<Boolean> f : distinct) {
        assertThat(f.get()).isTrue();
      }
      long winners = 0;
      for (Future<Boolean> f : same) {
        winners += f.get() ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(new TombstoneStore(store.store()).hashes(KEY)).hasSize(threads + 1).contains(TombstoneStore.uidHash("u7"));
  }

  @Test
  void statusesMergeTombstonesWithTheirErasures() throws Exception {
    TombstoneStore store = new TombstoneStore(new InMemoryBlobStore());
    ShardKey other = new ShardKey("20240102", "0A");
    for (String uid : List.of("a", "b", "c", "d")) {
      store.add(tombstone(KEY, uid));
    }
    store.add(tombstone(other, "e"));
    store.recordErasure(new ErasureRecord(KEY, "b", NOW, "20240101_64_0000.des", "20240101_64_0000_R002.des", NOW, NOW.plusSeconds(60)));
    store.recordErasure(new ErasureRecord(KEY, "zz-no-tombstone", NOW, null, null, null, NOW));

    try (Stream<TombstoneStore.Status> all = store.statuses("", false)) {
      List<TombstoneStore.Status> statuses = all.toList();
      assertThat(statuses).hasSize(5);
      assertThat(statuses).filteredOn(s -> !s.pending()).extracting(s -> s.tombstone().uid()).containsExactly("b");
      assertThat(statuses).filteredOn(s -> !s.pending()).first().extracting(s -> s.erasure().removedBy())
          .isEqualTo("20240101_64_0000_R002.des");
    }
    try (Stream<TombstoneStore.Status> pending = store.statuses("20240101/", true)) {
      assertThat(pending.map(s -> s.tombstone().uid())).containsExactlyInAnyOrder("a", "c", "d");
    }
    try (Stream<Tombstone> day = store.list("20240102/")) {
      assertThat(day.map(Tombstone::uid)).containsExactly("e");
    }
  }

  @Test
  void anErasureRecordSaysWhenSharedContentWasKeptAndOmitsTheFieldOtherwise() throws Exception {
    TombstoneStore store = new TombstoneStore(new InMemoryBlobStore());
    ErasureRecord shared = new ErasureRecord(KEY, "a", NOW, "20240101_64_0000.des", "20240101_64_0000_R002.des", NOW, NOW, true);
    ErasureRecord erased = new ErasureRecord(KEY, "b", NOW, null, null, null, NOW);
    store.recordErasure(shared);
    store.recordErasure(erased);

    assertThat(store.erasure(KEY, "a")).contains(shared);
    assertThat(store.erasure(KEY, "b")).contains(erased);
    assertThat(new String(TombstoneCodec.write(shared), StandardCharsets.UTF_8)).contains("\"content_shared\" : true");
    assertThat(new String(TombstoneCodec.write(erased), StandardCharsets.UTF_8)).doesNotContain("content_shared");
  }

  @Test
  void aCorruptRecordIsANamedError() throws Exception {
    BlobStore blobs = new InMemoryBlobStore();
    blobs.putExclusive(TombstoneStore.tombstonePath(KEY, "x"), "{\"format\":1,\"uid\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> new TombstoneStore(blobs).find(KEY, "x"))
        .isInstanceOf(CorruptTombstoneException.class)
        .hasMessageContaining(TombstoneStore.tombstonePath(KEY, "x").key());
    // A record copied under another uid's name does not hide that uid silently: it is refused.
    blobs.putExclusive(TombstoneStore.tombstonePath(KEY, "y"), TombstoneCodec.write(tombstone(KEY, "not-y")));
    assertThatThrownBy(() -> new TombstoneStore(blobs).find(KEY, "y")).isInstanceOf(CorruptTombstoneException.class);
  }

  @Test
  void theArchiveHidesATombstonedFileForAnyTimeOfItsDay() throws Exception {
    BlobStore blobs = new InMemoryBlobStore();
    CreatedAt morning = CreatedAt.parse("2024-01-01T08:00:00Z");
    List<SourceFile> files = new ArrayList<>();
    for (String uid : List.of("100", "356")) {
      Path p = Files.writeString(tmp.resolve(uid), "content of " + uid);
      files.add(new SourceFile(uid, morning, -1, p, uid));
    }
    Archive archive = Archive.create(blobs, 8, ReaderLimits.DEFAULTS);
    try (Packer packer = new Packer(archive, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files);
    }
    Archive reader = Archive.open(blobs, null, ReaderLimits.DEFAULTS);
    assertThat(reader.locate("100", morning).shard().read("100")).asString(StandardCharsets.UTF_8).isEqualTo("content of 100");

    archive.tombstones().add(tombstone(archive.router().route("100", morning), "100"));

    assertThatThrownBy(() -> reader.locate("100", morning)).isInstanceOf(FileDeletedException.class);
    assertThatThrownBy(() -> reader.locate("100", CreatedAt.parse("2024-01-01T23:59:59Z")))
        .as("upstream served it for another time of the day").isInstanceOf(FileDeletedException.class);
    assertThatThrownBy(() -> reader.locate("100", CreatedAt.parse("2024-01-02T08:00:00Z")))
        .isInstanceOf(EntryNotFoundException.class);
    assertThat(reader.locate("356", morning).shard().read("356")).asString(StandardCharsets.UTF_8).isEqualTo("content of 356");
    assertThat(blobs.stat(BlobPath.of("_tombstones/20240101/64/" + TombstoneStore.uidHash("100") + ".json"))).isPresent();
  }
}
