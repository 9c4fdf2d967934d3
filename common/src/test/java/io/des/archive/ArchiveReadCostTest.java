package io.des.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.FaultyBlobStore;
import io.des.storage.InMemoryBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a read costs in storage requests: the retriever's budget (issue 3) rests on these counts. */
class ArchiveReadCostTest {
  @TempDir Path tmp;
  private static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");

  private FaultyBlobStore packed(String... uids) throws Exception {
    FaultyBlobStore store = new FaultyBlobStore(new InMemoryBlobStore());
    List<SourceFile> files = new ArrayList<>();
    for (String uid : uids) {
      Path p = Files.writeString(tmp.resolve(uid), "content of " + uid + " ".repeat(100));
      files.add(new SourceFile(uid, DAY, -1, p, uid));
    }
    Archive writer = Archive.create(store, 8, ReaderLimits.DEFAULTS);
    try (Packer packer = new Packer(writer, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files);
    }
    store.reset();
    return store;
  }

  @Test
  void aWarmReadIsOneRangedRequest() throws Exception {
    // "100", "356" and "612" share shard key 64 (numeric uids mod 256).
    FaultyBlobStore store = packed("100", "356", "612");
    Archive reader = Archive.open(store, null, ReaderLimits.DEFAULTS);

    assertThat(reader.locate("100", DAY).shard().read("100")).asString(StandardCharsets.UTF_8).startsWith("content of 100");
    int cold = store.reads();
    assertThat(store.tailReads()).as("footer, seal and index in one tail read").isEqualTo(1);
    assertThat(store.rangedReads()).as("the payload").isEqualTo(1);
    assertThat(store.lists()).isZero();
    assertThat(cold).as("archive settings, tombstone probe, catalog probes, tail, payload").isLessThanOrEqualTo(7);

    store.reset();
    assertThat(reader.locate("356", DAY).shard().read("356")).asString(StandardCharsets.UTF_8).startsWith("content of 356");
    assertThat(store.reads()).as("warm: only the payload").isEqualTo(1);
    assertThat(store.rangedReads()).isEqualTo(1);
    assertThat(store.stats()).as("the tombstone probe").isEqualTo(1);
    assertThat(store.lists()).isZero();
  }

  @Test
  void aCatalogPastItsTtlIsRefreshedWithOneProbe() throws Exception {
    FaultyBlobStore store = packed("100", "356");
    Archive reader = Archive.open(store, null, ReaderLimits.DEFAULTS, java.time.Duration.ofMillis(50));
    reader.locate("100", DAY);
    Thread.sleep(100);

    store.reset();
    reader.locate("356", DAY);
    assertThat(store.reads()).as("the next generation's probe, which finds none").isEqualTo(1);
    assertThat(store.stats()).as("the tombstone probe").isEqualTo(1);

    // A generation committed meanwhile (here: another shard packed into the key) is found by the probe.
    Path p = Files.writeString(tmp.resolve("612"), "later");
    try (Packer packer = new Packer(Archive.open(store, null, ReaderLimits.DEFAULTS), PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(List.of(new SourceFile("612", DAY, -1, p, "612")));
    }
    Thread.sleep(100);
    store.reset();
    assertThat(reader.locate("612", DAY).shard().read("612")).asString(StandardCharsets.UTF_8).isEqualTo("later");
    assertThat(store.lists()).isZero();
  }

  @Test
  void theIndexCacheIsBoundedInBytes() throws Exception {
    String[] uids = new String[40];
    for (int i = 0; i < uids.length; i++) {
      uids[i] = Integer.toString(i); // numeric: 40 different shard keys, 40 shards
    }
    FaultyBlobStore store = packed(uids);
    Archive reader = new Archive(store, 8, io.des.catalog.ShardCatalog.Uncataloged.NOTHING, ReaderLimits.DEFAULTS, 4_000);
    for (String uid : uids) {
      reader.locate(uid, DAY).shard().read(uid);
    }
    Archive.IndexCacheStats stats = reader.indexCacheStats();
    assertThat(stats.weightedBytes()).isPositive().isLessThanOrEqualTo(4_000);
    assertThat(stats.removals().get(com.github.benmanes.caffeine.cache.RemovalCause.SIZE)).isPositive();
    assertThat(stats.misses()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void aFilePackedAfterTheCatalogWasCachedIsFound() throws Exception {
    FaultyBlobStore store = packed("100");
    Archive reader = Archive.open(store, null, ReaderLimits.DEFAULTS);
    reader.locate("100", DAY);
    Path p = Files.writeString(tmp.resolve("356"), "late");
    try (Packer packer = new Packer(Archive.open(store, null, ReaderLimits.DEFAULTS), PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(List.of(new SourceFile("356", DAY, -1, p, "356")));
    }
    Thread.sleep(1100); // a miss reloads the catalog at most once a second
    assertThat(reader.locate("356", DAY).shard().read("356")).asString(StandardCharsets.UTF_8).isEqualTo("late");
  }
}
