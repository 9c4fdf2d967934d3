package io.des.repack;

import static io.des.repack.RepackFixture.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.catalog.CatalogConflictException;
import io.des.catalog.CatalogState;
import io.des.codec.Codec;
import io.des.codec.CompressionPolicy;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.format.ShardIndex;
import io.des.format.ShardReader;
import io.des.format.ShardVerifier;
import io.des.pack.PackOptions;
import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import io.des.testing.ByteSearch;
import io.des.tombstone.ErasureRecord;
import io.des.tombstone.TombstoneStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepackerTest {
  @TempDir Path tmp;

  private RepackFixture packed200() throws Exception {
    RepackFixture f = new RepackFixture(new LocalBlobStore(tmp.resolve("store")), tmp);
    f.pack(120);
    f.pack(80);
    f.deleteEvery(10);
    return f;
  }

  private static ShardIndex index(RepackFixture f, String shard) throws Exception {
    return ShardReader.open(f.store, BlobPath.of(shard), ReaderLimits.DEFAULTS).index();
  }

  @Test
  void aRunDropsTombstonedFilesAndEverySurvivorReadsBackIdentical() throws Exception {
    RepackFixture f = packed200();
    Repacker repacker = f.repacker(RepackOptions.defaults());
    RepackPlan plan = repacker.plan(KEY);
    assertThat(plan.shards()).extracting(ShardPlan::tombstoned).containsExactly(12L, 8L);
    assertThat(plan.shards()).allMatch(p -> p.deletedRatio() > 0 && p.deletedRatio() < 0.2);
    long generation = f.catalog().generation();

    RepackReport report = repacker.run(KEY, 1, Set.of(), RepackListener.NONE);

    assertThat(report.repacked()).extracting(ShardRepack::to)
        .containsExactly("20240101_64_0000_R002.des", "20240101_64_0001_R002.des");
    assertThat(report.repacked()).extracting(ShardRepack::dropped).containsExactly(12L, 8L);
    assertThat(report.repacked()).extracting(ShardRepack::kept).containsExactly(108L, 72L);
    assertThat(report.spaceSavedBytes()).isPositive();
    assertThat(report.purged().deleted()).as("grace of an hour: nothing due yet").isEmpty();
    for (ShardRepack r : report.repacked()) {
      assertThat(index(f, r.to()).entries()).extracting(IndexEntry::uid).doesNotContainAnyElementsOf(f.deleted);
    }
    CatalogState state = f.catalog();
    assertThat(state.generation()).isGreaterThan(generation);
    assertThat(state.fence()).isEqualTo(1);
    assertThat(state.retired()).extracting(r -> r.name() + ">" + r.replacedBy()).containsExactly(
        "20240101_64_0000.des>20240101_64_0000_R002.des", "20240101_64_0001.des>20240101_64_0001_R002.des");
    f.assertConsistent();
    RepackPlan after = repacker.plan(KEY);
    assertThat(after.shards()).isEmpty();
    assertThat(after.purgeLater()).hasSize(2);
    assertThat(after.nothingToDo()).isTrue();
  }

  @Test
  void aRunWithASelectionRepacksOnlyTheAcceptedShardsAndRejectingAllOnlyPurges() throws Exception {
    RepackFixture f = packed200();
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));

    RepackReport one = repacker.run(KEY, 1, p -> p.shard().equals("20240101_64_0001.des"), Set.of(), RepackListener.NONE);
    assertThat(one.repacked()).extracting(ShardRepack::from).containsExactly("20240101_64_0001.des");
    assertThat(repacker.plan(KEY).shards()).extracting(ShardPlan::shard).containsExactly("20240101_64_0000.des");

    RepackReport purgeOnly = repacker.run(KEY, 1, p -> false, Set.of(), RepackListener.NONE);
    assertThat(purgeOnly.repacked()).isEmpty();
    assertThat(purgeOnly.purged().deleted()).containsExactly("20240101_64_0001.des");
    assertThat(purgeOnly.purged().erasureRecords()).isEqualTo(8);
    f.assertConsistent();
  }

  @Test
  void aPurgeAfterTheGraceLeavesNoByteOfADeletedFileInAnyObject() throws Exception {
    RepackFixture f = packed200();
    Map<String, byte[]> deletedStored = new HashMap<>();
    for (String shard : List.of("20240101_64_0000.des", "20240101_64_0001.des")) {
      for (IndexEntry e : index(f, shard).entries()) {
        if (f.deleted.contains(e.uid())) {
          deletedStored.put(e.uid(), f.store.readRange(BlobPath.of(shard), e.offset(), (int) e.length()));
        }
      }
    }
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    PurgeReport purged = repacker.purge(KEY, 1);

    assertThat(purged.deleted()).containsExactly("20240101_64_0000.des", "20240101_64_0001.des");
    assertThat(purged.erasureRecords()).isEqualTo(20);
    for (String gone : purged.deleted()) {
      assertThat(f.store.stat(BlobPath.of(gone))).isEmpty();
    }
    assertThat(f.catalog().retired()).isEmpty();
    Map<String, byte[]> blobs = f.allBlobs();
    for (String uid : f.deleted) {
      for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
        assertThat(ByteSearch.contains(blob.getValue(), deletedStored.get(uid))).as(uid + " stored in " + blob.getKey()).isFalse();
        if (Integer.parseInt(uid) % 2 == 0) { // random content, stored as is
          assertThat(ByteSearch.contains(blob.getValue(), f.files.get(uid))).as(uid + " in " + blob.getKey()).isFalse();
        }
      }
      Optional<ErasureRecord> record = f.archive.tombstones().erasure(KEY, uid);
      assertThat(record).as(uid).isPresent();
      assertThat(record.get().removedFrom()).matches("20240101_64_000[01]\\.des");
      assertThat(record.get().removedBy()).isEqualTo(record.get().removedFrom().replace(".des", "_R002.des"));
      assertThat(record.get().purgedAt()).isEqualTo(RepackFixture.NOW);
    }
    try (Stream<TombstoneStore.Status> pending = f.archive.tombstones().statuses("", true)) {
      assertThat(pending).isEmpty();
    }
    f.assertConsistent();
  }

  @Test
  void storedBytesAndMetaOfAKeptEntryAreCopiedVerbatim() throws Exception {
    RepackFixture f = packed200();
    ShardRepack r = f.repacker(RepackOptions.defaults()).repack(KEY, "20240101_64_0000.des", 1, RepackListener.NONE);
    ShardIndex before = index(f, r.from());
    ShardIndex after = index(f, r.to());
    int compared = 0;
    for (IndexEntry old : before.entries()) {
      if (f.deleted.contains(old.uid())) {
        continue;
      }
      IndexEntry copy = after.find(old.uid()).orElseThrow();
      assertThat(copy.codec()).isEqualTo(old.codec());
      assertThat(copy.crc32c()).isEqualTo(old.crc32c());
      assertThat(copy.createdAt()).isEqualTo(old.createdAt());
      assertThat(copy.metaJson()).isEqualTo(old.metaJson());
      assertThat(f.store.readRange(BlobPath.of(r.to()), copy.offset(), (int) copy.length()))
          .isEqualTo(f.store.readRange(BlobPath.of(r.from()), old.offset(), (int) old.length()));
      compared++;
    }
    assertThat(compared).isEqualTo(108);
    assertThat(before.entries()).extracting(IndexEntry::codec).contains(Codec.ZSTD, Codec.NONE);
  }

  /** Flips a byte in the middle of an entry's stored payload. */
  private static IndexEntry corrupt(RepackFixture f, String shard, String uid) throws Exception {
    IndexEntry e = index(f, shard).find(uid).orElseThrow();
    byte[] bytes = f.allBlobs().get(shard);
    bytes[(int) (e.offset() + e.length() / 2)] ^= 0x5A;
    f.store.putReplace(BlobPath.of(shard), bytes);
    return e;
  }

  @Test
  void aCorruptEntryIsDroppedAndReportedWithoutARepairSource() throws Exception {
    RepackFixture f = packed200();
    String victim = RepackFixture.uid(4);
    corrupt(f, "20240101_64_0000.des", victim);

    RepackReport report = f.repacker(RepackOptions.defaults()).run(KEY, 1, Set.of("20240101_64_0000.des"), RepackListener.NONE);

    ShardRepack r = report.repacked().get(0);
    assertThat(r.corruptDropped()).isEqualTo(1);
    assertThat(r.repaired()).isZero();
    assertThat(r.kept()).isEqualTo(107);
    assertThat(r.problems()).singleElement().asString()
        .contains("20240101_64_0000.des entry '" + victim + "'").contains("checksum").endsWith("dropped (no healthy copy)");
    assertThat(index(f, r.to()).find(victim)).isEmpty();
    f.files.remove(victim); // lost: no healthy copy anywhere
    f.assertConsistent();
  }

  @Test
  void aDamagedCompressedEntryIsNamedByItsStoredChecksum() throws Exception {
    RepackFixture f = packed200();
    String text = RepackFixture.uid(5);
    assertThat(corrupt(f, "20240101_64_0000.des", text).codec()).isEqualTo(Codec.ZSTD);

    ShardRepack r = f.repacker(RepackOptions.defaults()).repack(KEY, "20240101_64_0000.des", 1, RepackListener.NONE);

    assertThat(r.corruptDropped()).isEqualTo(1);
    assertThat(r.problems()).singleElement().asString()
        .contains("entry '" + text + "'").contains("stored bytes checksum is crc32c").endsWith("dropped (no healthy copy)");
    f.files.remove(text);
    f.assertConsistent();
  }

  @Test
  void onALocalDiskEntriesAreCopiedUnreadAndADamagedOneIsCaughtByTheVerificationThenDropped() throws Exception {
    RepackFixture f = packed200();
    List<String> written = new ArrayList<>();
    RepackListener phases = (key, shard, phase) -> {
      if (phase == RepackListener.Phase.WRITTEN) {
        written.add(shard);
      }
    };
    ShardRepack healthy = f.repacker(RepackOptions.defaults()).repack(KEY, "20240101_64_0001.des", 1, phases);
    assertThat(written).as("written once, verified").containsExactly(healthy.to());

    written.clear();
    String text = RepackFixture.uid(5);
    corrupt(f, "20240101_64_0000.des", text);
    ShardRepack damaged = f.repacker(RepackOptions.defaults()).repack(KEY, "20240101_64_0000.des", 1, phases);

    // The copy in place did not read the damaged entry; the verification of that version did, and
    // it was deleted and the shard copied again entry by entry, which dropped it.
    assertThat(written).hasSize(2);
    assertThat(f.store.stat(BlobPath.of(written.get(0)))).isEmpty();
    assertThat(damaged.to()).isEqualTo(written.get(1));
    assertThat(damaged.corruptDropped()).isEqualTo(1);
    assertThat(damaged.problems()).singleElement().asString().contains(text).endsWith("dropped (no healthy copy)");
    f.files.remove(text);
    f.assertConsistent();
  }

  @Test
  void aCorruptEntryIsRepairedFromARepairSourceAndChecked() throws Exception {
    RepackFixture f = packed200();
    String random = RepackFixture.uid(4);
    String text = RepackFixture.uid(5);
    corrupt(f, "20240101_64_0000.des", random);
    corrupt(f, "20240101_64_0000.des", text);
    String wrongCopy = RepackFixture.uid(6);
    corrupt(f, "20240101_64_0000.des", wrongCopy);
    RepairSource replica = (key, entry) -> Optional.of(
        entry.uid().equals(wrongCopy) ? f.files.get(random) : f.files.get(entry.uid()));

    ShardRepack r = f.repacker(RepackOptions.defaults().withRepair(replica))
        .repack(KEY, "20240101_64_0000.des", 1, RepackListener.NONE);

    assertThat(r.repaired()).isEqualTo(2);
    assertThat(r.corruptDropped()).as("a copy that does not match the checksum is refused").isEqualTo(1);
    assertThat(r.problems()).hasSize(3).anyMatch(p -> p.contains(wrongCopy) && p.endsWith("dropped (no healthy copy)"));
    ShardIndex after = index(f, r.to());
    assertThat(after.find(text).orElseThrow().codec()).as("re-encoded with the entry's codec").isEqualTo(Codec.ZSTD);
    f.files.remove(wrongCopy);
    f.assertConsistent();
  }

  @Test
  void anOldOrphanIsDeletedByThePurgeAndAYoungOneHoldsBackItsErasureRecords() throws Exception {
    RepackFixture f = new RepackFixture(new LocalBlobStore(tmp.resolve("store")), tmp);
    String live = f.pack(20);
    byte[] shard = f.allBlobs().get(live);
    // Two copies of the live shard under names no catalog lists, as a writer that died between its
    // upload and its catalog commit leaves them: one written long ago, one just now.
    f.store.putExclusive(BlobPath.of("20240101_64_0007.des"), shard);
    f.store.putExclusive(BlobPath.of("20240101_64_0008.des"), shard);
    java.nio.file.Files.setLastModifiedTime(tmp.resolve("store").resolve("20240101_64_0007.des"),
        java.nio.file.attribute.FileTime.from(RepackFixture.NOW.minus(java.time.Duration.ofDays(2))));
    String victim = RepackFixture.uid(3);
    f.delete(victim);
    assertThat(f.repacker(RepackOptions.defaults()).plan(KEY).orphansDue()).containsExactly("20240101_64_0007.des");

    RepackReport report = f.repacker(RepackOptions.defaults()).run(KEY, 1, Set.of(), RepackListener.NONE);

    assertThat(report.purged().deleted()).containsExactly("20240101_64_0007.des");
    assertThat(f.store.stat(BlobPath.of("20240101_64_0007.des"))).isEmpty();
    assertThat(f.store.stat(BlobPath.of("20240101_64_0008.des"))).as("young: perhaps a commit still coming").isPresent();
    assertThat(f.archive.tombstones().erasure(KEY, victim)).as("its bytes are still in the young orphan").isEmpty();

    java.nio.file.Files.setLastModifiedTime(tmp.resolve("store").resolve("20240101_64_0008.des"),
        java.nio.file.attribute.FileTime.from(RepackFixture.NOW.minus(java.time.Duration.ofDays(2))));
    f.repacker(RepackOptions.defaults().withGrace(java.time.Duration.ZERO)).run(KEY, 1, Set.of(), RepackListener.NONE);

    assertThat(f.store.stat(BlobPath.of("20240101_64_0008.des"))).isEmpty();
    assertThat(f.archive.tombstones().erasure(KEY, victim)).as("no copy left anywhere").isPresent();
    for (var blob : f.allBlobs().entrySet()) {
      assertThat(ByteSearch.contains(blob.getValue(), f.files.get(victim))).as(blob.getKey()).isFalse();
    }
  }

  @Test
  void aCorruptEntryIsRepairedFromAReplicaOfTheArchive() throws Exception {
    RepackFixture f = packed200();
    Path replicaDir = tmp.resolve("replica");
    try (java.util.stream.Stream<Path> tree = java.nio.file.Files.walk(tmp.resolve("store"))) {
      for (Path from : (Iterable<Path>) tree::iterator) {
        java.nio.file.Files.copy(from, replicaDir.resolve(tmp.resolve("store").relativize(from).toString()));
      }
    }
    String victim = RepackFixture.uid(4);
    corrupt(f, "20240101_64_0000.des", victim);
    io.des.archive.Archive empty = io.des.archive.Archive.open(new LocalBlobStore(tmp.resolve("empty-zone")), null, ReaderLimits.DEFAULTS);
    io.des.archive.Archive replica = io.des.archive.Archive.open(new LocalBlobStore(replicaDir), null, ReaderLimits.DEFAULTS);

    ShardRepack r = f.repacker(RepackOptions.defaults().withRepair(new ReplicaRepairSource(List.of(empty, replica))))
        .repack(KEY, "20240101_64_0000.des", 1, RepackListener.NONE);

    assertThat(r.repaired()).as("found in the second zone").isEqualTo(1);
    assertThat(r.corruptDropped()).isZero();
    f.assertConsistent();
  }

  /** A replica as the storage's replication keeps it: a copy of every blob of the archive. */
  private static InMemoryBlobStore replicaOf(RepackFixture f) throws Exception {
    InMemoryBlobStore replica = new InMemoryBlobStore();
    for (Map.Entry<String, byte[]> blob : f.allBlobs().entrySet()) {
      replica.putReplace(BlobPath.of(blob.getKey()), blob.getValue());
    }
    return replica;
  }

  @Test
  void aPurgeErasesTheOldVersionsFromEveryReplicaToo() throws Exception {
    RepackFixture f = packed200();
    InMemoryBlobStore replica = replicaOf(f);
    Map<String, byte[]> deletedStored = new HashMap<>();
    for (IndexEntry e : index(f, "20240101_64_0000.des").entries()) {
      if (f.deleted.contains(e.uid())) {
        deletedStored.put(e.uid(), f.store.readRange(BlobPath.of("20240101_64_0000.des"), e.offset(), (int) e.length()));
      }
    }
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO).withReplicas(List.of(replica)));
    repacker.run(KEY, 1, Set.of(), RepackListener.NONE);

    PurgeReport purged = repacker.purge(KEY, 1);

    assertThat(purged.deleted()).containsExactly("20240101_64_0000.des", "20240101_64_0001.des");
    for (String gone : purged.deleted()) {
      assertThat(replica.stat(BlobPath.of(gone))).as(gone + " in the replica").isEmpty();
    }
    try (Stream<io.des.storage.BlobInfo> objects = replica.list("")) {
      for (io.des.storage.BlobInfo object : (Iterable<io.des.storage.BlobInfo>) objects::iterator) {
        byte[] bytes;
        try (java.io.InputStream in = replica.open(object.path())) {
          bytes = in.readAllBytes();
        }
        deletedStored.forEach((uid, stored) ->
            assertThat(ByteSearch.contains(bytes, stored)).as(uid + " in replica object " + object.path()).isFalse());
      }
    }
    assertThat(f.archive.tombstones().erasure(KEY, f.deleted.iterator().next())).isPresent();
  }

  @Test
  void aReplicaThatKeepsAnOldVersionHoldsBackTheErasureRecord() throws Exception {
    RepackFixture f = packed200();
    io.des.storage.FaultyBlobStore replica = new io.des.storage.FaultyBlobStore(replicaOf(f));
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO).withReplicas(List.of(replica)));
    repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    byte[] old = f.allBlobs().get("20240101_64_0000.des");
    // The replica's delete does not take: the version is back before the check (a replication lagging behind, say).
    replica.before(io.des.storage.FaultyBlobStore.Call.STAT, "20240101_64_0000.des", () -> replica.putReplace(BlobPath.of("20240101_64_0000.des"), old));

    assertThatThrownBy(() -> repacker.purge(KEY, 1))
        .isInstanceOf(PurgeNotConfirmedException.class)
        .hasMessageContaining("Retired version 20240101_64_0000.des of " + KEY + " is still in the replica");
    for (String uid : f.deleted) {
      if (index(f, "20240101_64_0001.des").find(uid).isEmpty()) { // held by the version the replica kept
        assertThat(f.archive.tombstones().erasure(KEY, uid)).as(uid).isEmpty();
      }
    }

    PurgeReport retried = repacker.purge(KEY, 1); // the next purge finishes the job
    assertThat(retried.deleted()).contains("20240101_64_0001.des");
    assertThat(replica.stat(BlobPath.of("20240101_64_0000.des"))).isEmpty();
    for (String uid : f.deleted) {
      assertThat(f.archive.tombstones().erasure(KEY, uid)).as(uid).isPresent();
    }
  }

  @Test
  void aDeleteAfterTheRepackReadTheTombstonesStaysPendingAndTheNextRunRemovesIt() throws Exception {
    RepackFixture f = packed200();
    String late = RepackFixture.uid(0);
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    repacker.run(KEY, 1, Set.of(), RepackFixture.at(RepackListener.Phase.WRITTEN, () -> {
      if (f.catalog().contains("20240101_64_0000.des")) { // while the first shard is being repacked
        f.delete(late);
      }
    }));
    assertThat(index(f, "20240101_64_0000_R002.des").find(late)).as("read the tombstones before the DELETE").isPresent();
    repacker.purge(KEY, 1);
    assertThat(f.archive.tombstones().erasure(KEY, late)).as("its bytes are still in R002").isEmpty();
    assertThat(f.archive.tombstones().erasure(KEY, RepackFixture.uid(9))).isPresent();

    RepackReport next = repacker.run(KEY, 2, Set.of(), RepackListener.NONE);
    assertThat(next.repacked()).extracting(ShardRepack::from, ShardRepack::to, ShardRepack::dropped)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("20240101_64_0000_R002.des", "20240101_64_0000_R003.des", 1L));
    repacker.purge(KEY, 2);
    ErasureRecord record = f.archive.tombstones().erasure(KEY, late).orElseThrow();
    assertThat(record.removedFrom()).isEqualTo("20240101_64_0000_R002.des");
    assertThat(record.removedBy()).isEqualTo("20240101_64_0000_R003.des");
    f.assertConsistent();
  }

  @Test
  void aStaleFenceCannotSwapAndLeavesTheStoreConsistent() throws Exception {
    RepackFixture f = packed200();
    Repacker old = f.repacker(RepackOptions.defaults());
    Repacker newer = f.repacker(RepackOptions.defaults());
    // the lock expired; a newer holder claims the key
    RepackListener overtaken = RepackFixture.at(RepackListener.Phase.VERIFIED, () -> Repacker.claim(f.archive, KEY, 8));
    assertThatThrownBy(() -> old.repack(KEY, "20240101_64_0000.des", 7, overtaken))
        .isInstanceOf(CatalogConflictException.class).hasMessageContaining("fencing token 7 is older than 8");
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000_R002.des"))).as("the refused version is deleted").isEmpty();
    assertThat(f.catalog().contains("20240101_64_0000.des")).isTrue();
    f.assertConsistent();

    assertThatThrownBy(() -> old.run(KEY, 7, Set.of(), RepackListener.NONE)).isInstanceOf(CatalogConflictException.class);
    newer.run(KEY, 8, Set.of(), RepackListener.NONE);
    assertThat(f.catalog().shards()).extracting(s -> s.name())
        .containsExactly("20240101_64_0000_R002.des", "20240101_64_0001_R002.des"); // the refused R002 was deleted: free again
    f.assertConsistent();
  }

  @Test
  void aRepackerThatLosesTheSwapGivesUpCleanly() throws Exception {
    RepackFixture f = packed200();
    Repacker first = f.repacker(RepackOptions.defaults());
    Repacker second = f.repacker(RepackOptions.defaults());
    List<String> secondVersion = new ArrayList<>();
    RepackListener raced = (key, shard, phase) -> {
      if (phase == RepackListener.Phase.VERIFIED) {
        secondVersion.add(shard);
      }
    };
    // the other repacker writes and swaps while this one is between verify and swap
    RepackListener thenFirst = RepackFixture.at(RepackListener.Phase.VERIFIED, () -> first.repack(KEY, "20240101_64_0000.des", 3, RepackListener.NONE));
    assertThatThrownBy(() -> second.repack(KEY, "20240101_64_0000.des", 3, (k, shard, p) -> {
      raced.phase(k, shard, p);
      thenFirst.phase(k, shard, p);
    }))
        .isInstanceOf(RepackConflictException.class).hasMessageContaining("is no longer live");
    assertThat(secondVersion).containsExactly("20240101_64_0000_R002.des");
    assertThat(f.catalog().shards()).extracting(s -> s.name()).contains("20240101_64_0000_R003.des");
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000_R002.des"))).isEmpty();
    assertThatThrownBy(() -> second.repack(KEY, "20240101_64_0000.des", 3, RepackListener.NONE))
        .isInstanceOf(RepackConflictException.class).hasMessageContaining("is not live");
    f.assertConsistent();
  }

  @Test
  void aShardWhoseEveryFileIsDeletedLeavesTheLiveList() throws Exception {
    RepackFixture f = new RepackFixture(new InMemoryBlobStore(), tmp);
    f.pack(5);
    String second = f.pack(5);
    for (int i = 5; i < 10; i++) {
      f.delete(RepackFixture.uid(i));
    }
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    RepackReport report = repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    assertThat(report.repacked()).singleElement().satisfies(r -> {
      assertThat(r.from()).isEqualTo(second);
      assertThat(r.to()).isNull();
      assertThat(r.dropped()).isEqualTo(5);
      assertThat(r.bytesAfter()).isZero();
    });
    assertThat(f.catalog().shards()).extracting(s -> s.name()).containsExactly("20240101_64_0000.des");
    assertThat(f.catalog().retired()).singleElement().satisfies(r -> assertThat(r.replacedBy()).isNull());
    PurgeReport purged = repacker.purge(KEY, 1);
    assertThat(purged.erasureRecords()).isEqualTo(5);
    assertThat(f.archive.tombstones().erasure(KEY, RepackFixture.uid(7)).orElseThrow().removedBy()).isNull();
    f.assertConsistent();
  }

  @Test
  void recompressionReencodesAndKeepsTheChecksums() throws Exception {
    RepackFixture f = new RepackFixture(new InMemoryBlobStore(), tmp);
    f.pack(20, PackOptions.defaults(8).withCompression(CompressionPolicy.none()));
    f.delete(RepackFixture.uid(0));
    ShardRepack r = f.repacker(RepackOptions.defaults().withRecompression(Codec.LZ4, 0))
        .repack(KEY, "20240101_64_0000.des", 1, RepackListener.NONE);
    ShardIndex after = index(f, r.to());
    assertThat(after.find(RepackFixture.uid(1)).orElseThrow().codec()).as("text compresses").isEqualTo(Codec.LZ4);
    assertThat(after.find(RepackFixture.uid(2)).orElseThrow().codec()).as("random bytes do not").isEqualTo(Codec.NONE);
    assertThat(r.bytesAfter()).isLessThan(r.bytesBefore());
    assertThat(after.find(RepackFixture.uid(1)).orElseThrow().storedCrc32c()).as("recorded for the new payload").isNotEqualTo(IndexEntry.NO_CHECKSUM);
    assertThat(ShardVerifier.verify(f.store, BlobPath.of(r.to()), ReaderLimits.DEFAULTS).ok()).as("stored checksums match the new payloads").isTrue();
    f.assertConsistent();
  }

  @Test
  void aPendingTombstoneOfAFileInNoShardIsRecordedAsErased() throws Exception {
    RepackFixture f = new RepackFixture(new InMemoryBlobStore(), tmp);
    f.pack(3);
    f.delete("999999");
    PurgeReport purged = f.repacker(RepackOptions.defaults()).purge(KEY, 1);
    assertThat(purged.erasureRecords()).isEqualTo(1);
    ErasureRecord record = f.archive.tombstones().erasure(KEY, "999999").orElseThrow();
    assertThat(record.removedFrom()).isNull();
    assertThat(record.removedBy()).isNull();
  }
}
