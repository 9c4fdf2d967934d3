package io.des.repack;

import static io.des.repack.RepackFixture.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.storage.BlobPath;
import io.des.tombstone.ErasureRecord;
import io.des.storage.FaultyBlobStore;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import io.des.storage.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repacker that dies or fails at each phase, then a second one with a newer fencing token: the
 * key always has one live version per shard, and after the clean rerun no orphan version and no
 * unfinished upload is left and every surviving file reads back.
 */
class RepackCrashTest {
  @TempDir Path tmp;

  private FaultyBlobStore faulty;
  private RepackFixture f;

  private void packed(boolean local) throws Exception {
    faulty = new FaultyBlobStore(local ? new LocalBlobStore(tmp.resolve("store")) : new InMemoryBlobStore());
    f = new RepackFixture(faulty, tmp);
    f.pack(60);
    f.deleteEvery(10);
  }

  /** A listener that applies {@code fault} to the store at {@code phase}. */
  private RepackListener at(RepackListener.Phase phase, Consumer<FaultyBlobStore> fault) {
    return RepackFixture.at(phase, () -> fault.accept(faulty));
  }

  private void failsAt(RepackListener.Phase phase, Consumer<FaultyBlobStore> fault) {
    assertThatThrownBy(() -> f.repacker(RepackOptions.defaults()).run(KEY, 1, Set.of(), at(phase, fault)))
        .isInstanceOf(StorageException.class);
  }

  private void rerunCleanly(long fence) throws Exception {
    faulty.reset();
    Repacker next = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    RepackReport report = next.run(KEY, fence, Set.of(), RepackListener.NONE);
    assertThat(report.repacked()).allMatch(r -> r.to() != null && r.dropped() == 6);
    next.purge(KEY, fence);
    f.assertConsistent();
    assertThat(f.catalog().shards()).singleElement().satisfies(s -> assertThat(s.name()).matches("20240101_64_0000_R00\\d\\.des"));
    for (String uid : f.deleted) {
      assertThat(f.archive.tombstones().erasure(KEY, uid)).as(uid).isPresent();
    }
  }

  private void assertOldVersionStillLive() throws Exception {
    faulty.reset();
    assertThat(f.catalog().shards()).extracting(s -> s.name()).containsExactly("20240101_64_0000.des");
  }

  @Test
  void deathInTheMiddleOfTheUploadLeavesTheOldVersionAndAnUnfinishedUpload() throws Exception {
    packed(true);
    f.store.putReplace(BlobPath.of("20240101_64_0000.des"), corruptedCopy());
    RepairSource dying = (key, entry) -> { // called half way through the copy
      faulty.die();
      return Optional.empty();
    };
    assertThatThrownBy(() -> f.repacker(RepackOptions.defaults().withRepair(dying)).run(KEY, 1, Set.of(), RepackListener.NONE))
        .isInstanceOf(StorageException.class).hasMessageContaining("Injected death");
    assertOldVersionStillLive();
    f.files.remove(RepackFixture.uid(30)); // the corrupt entry: no healthy copy
    rerunCleanly(2);
  }

  /** The shard with one entry in its middle corrupted, so a repair source is asked half way. */
  private byte[] corruptedCopy() throws Exception {
    var e = io.des.format.ShardReader.open(f.store, BlobPath.of("20240101_64_0000.des"), io.des.format.ReaderLimits.DEFAULTS)
        .index().find(RepackFixture.uid(30)).orElseThrow();
    byte[] bytes = f.allBlobs().get("20240101_64_0000.des");
    bytes[(int) (e.offset() + 1)] ^= 0x01;
    return bytes;
  }

  @Test
  void aFailedUploadCommitLeavesTheOldVersion() throws Exception {
    packed(false);
    assertThatThrownBy(() -> f.repacker(RepackOptions.defaults()).run(KEY, 1, Set.of(), at(RepackListener.Phase.CLAIMED, s -> s.failNextWrites(1))))
        .isInstanceOf(StorageException.class).hasMessageContaining("Injected write failure: commit 20240101_64_0000_R002.des");
    assertOldVersionStillLive();
    rerunCleanly(2);
  }

  @Test
  void deathAtTheVerifyReadLeavesAnOrphanTheNextRunDeletes() throws Exception {
    packed(true);
    failsAt(RepackListener.Phase.WRITTEN, FaultyBlobStore::die);
    assertOldVersionStillLive();
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000_R002.des"))).as("the orphan").isPresent();
    rerunCleanly(2);
    assertThat(f.catalog().shards()).extracting(s -> s.name()).containsExactly("20240101_64_0000_R003.des");
  }

  @Test
  void deathAtTheSwapCommitLeavesTheOldVersionLive() throws Exception {
    packed(false);
    failsAt(RepackListener.Phase.VERIFIED, FaultyBlobStore::die);
    assertOldVersionStillLive();
    rerunCleanly(2);
  }

  @Test
  void aFailedSwapCommitDeletesTheUnswappedVersion() throws Exception {
    packed(false);
    failsAt(RepackListener.Phase.VERIFIED, s -> s.failNextWrites(1));
    assertOldVersionStillLive();
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000_R002.des"))).isEmpty();
    rerunCleanly(2);
  }

  @Test
  void aSwapWhoseResponseIsLostIsFoundCommittedAndKept() throws Exception {
    packed(false);
    RepackReport report = f.repacker(RepackOptions.defaults())
        .run(KEY, 1, Set.of(), at(RepackListener.Phase.VERIFIED, s -> s.loseNextWriteResponses(1)));
    assertThat(report.repacked()).singleElement().satisfies(r -> assertThat(r.to()).isEqualTo("20240101_64_0000_R002.des"));
    faulty.reset();
    assertThat(f.catalog().shards()).extracting(s -> s.name()).containsExactly("20240101_64_0000_R002.des");
    f.assertConsistent();
  }

  @Test
  void aFailedPurgeDeleteKeepsTheRetiredVersionAndTheNextPurgeFinishes() throws Exception {
    packed(false);
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    faulty.failNextWrites(1);
    assertThatThrownBy(() -> repacker.purge(KEY, 1)).isInstanceOf(StorageException.class).hasMessageContaining("delete");
    faulty.reset();
    assertThat(f.catalog().retired()).hasSize(1);
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000.des"))).isPresent();
    rerunCleanly(2);
    assertThat(f.catalog().retired()).isEmpty();
  }

  @Test
  void deathBetweenThePurgeDeleteAndItsCommitIsFinishedByTheNextPurge() throws Exception {
    packed(false);
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    faulty.crashAfterWrites(1); // the delete lands, the catalog commit does not
    assertThatThrownBy(() -> repacker.purge(KEY, 1)).isInstanceOf(StorageException.class);
    faulty.reset();
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000.des"))).isEmpty();
    assertThat(f.catalog().retired()).as("still listed, its purge is due").hasSize(1);
    PurgeReport finished = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO)).purge(KEY, 2);
    assertThat(finished.deleted()).containsExactly("20240101_64_0000.des");
    assertThat(finished.erasureRecords()).isEqualTo(6);
    f.assertConsistent();
  }

  @Test
  void aPurgeThatDiesAfterItsFirstVersionHasRecordedWhichVersionHeldItsFiles() throws Exception {
    packed(false);
    f.pack(40); // a second shard
    f.delete(RepackFixture.uid(65));
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));
    repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    assertThatThrownBy(() -> repacker.run(KEY, 1, Set.of(), at(RepackListener.Phase.PURGED, FaultyBlobStore::die)))
        .isInstanceOf(StorageException.class);
    faulty.reset();
    assertThat(f.catalog().retired()).extracting(r -> r.name()).containsExactly("20240101_64_0001.des");
    assertThat(f.archive.tombstones().erasure(KEY, RepackFixture.uid(9)).orElseThrow().removedFrom()).isEqualTo("20240101_64_0000.des");
    assertThat(f.archive.tombstones().erasure(KEY, RepackFixture.uid(65))).isEmpty();

    f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO)).run(KEY, 2, Set.of(), RepackListener.NONE);
    ErasureRecord second = f.archive.tombstones().erasure(KEY, RepackFixture.uid(65)).orElseThrow();
    assertThat(second.removedFrom()).isEqualTo("20240101_64_0001.des");
    assertThat(second.removedBy()).isEqualTo("20240101_64_0001_R002.des");
    f.assertConsistent();
  }
}
