package io.des.repack;

import static io.des.repack.BigFileFixture.A;
import static io.des.repack.BigFileFixture.B;
import static io.des.repack.BigFileFixture.blob;
import static io.des.repack.BigFileFixture.sha256;
import static io.des.repack.BigFileFixture.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.bigfile.BigFileBusyException;
import io.des.bigfile.BigFileEraser;
import io.des.bigfile.BigFileRefs;
import io.des.bigfile.MarkerEpoch;
import io.des.catalog.RetiredShard;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.FaultyBlobStore;
import io.des.storage.FaultyBlobStore.Call;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import io.des.storage.RetryableStorageException;
import io.des.tombstone.FileDeletedException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Erasing BigFile content: reference markers, shared content, the packer/purge race, crashes, legacy content (docs/deletion.md). */
class BigFileErasureTest {
  @TempDir Path tmp;

  enum Backend {
    MEMORY,
    LOCAL;

    BlobStore open(Path tmp) {
      return this == MEMORY ? new InMemoryBlobStore() : new LocalBlobStore(tmp.resolve("store"));
    }
  }

  private static final String OLD = "20240101_64_0000.des";

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aDeletedBigFileIsErasedByARepackAndPurgeAndTheOtherFilesStillRead(Backend backend) throws Exception {
    BigFileFixture f = new BigFileFixture(backend.open(tmp), tmp);
    String x = uid(A, 0), y = uid(A, 1), small = uid(A, 2);
    byte[] big = f.content(5000), other = f.content(4000), tiny = f.content(200);
    f.pack(ordered(x, big, y, other, small, tiny));
    String sha = sha256(big);
    assertThat(f.refs(sha)).containsExactly(A.toString());
    f.delete(A, x);
    Repacker repacker = f.repacker();
    assertThat(repacker.plan(A).shards()).singleElement().extracting(ShardPlan::tombstoned).isEqualTo(1L);

    RepackReport run = repacker.run(A, 1, Set.of(), RepackListener.NONE);
    assertThat(run.repacked()).singleElement().satisfies(r -> {
      assertThat(r.dropped()).isEqualTo(1);
      assertThat(r.kept()).isEqualTo(2);
      assertThat(r.problems()).isEmpty();
    });
    assertThat(f.store.stat(blob(sha))).as("the old version still references it until its purge").isPresent();
    PurgeReport purged = repacker.purge(A, 1);

    assertThat(purged.deleted()).containsExactly(OLD);
    assertThat(purged.heldBack()).isEmpty();
    assertThat(purged.erasureRecords()).isEqualTo(1);
    assertThat(f.store.stat(blob(sha))).isEmpty();
    assertThat(f.refs(sha)).as("marker and doomed marker gone").isEmpty();
    assertThat(f.erasure(A, x)).hasValueSatisfying(e -> {
      assertThat(e.removedFrom()).isEqualTo(OLD);
      assertThat(e.removedBy()).isEqualTo("20240101_64_0000_R002.des");
      assertThat(e.contentShared()).isFalse();
    });
    assertThat(f.read(y)).isEqualTo(other);
    assertThat(f.read(small)).isEqualTo(tiny);
    assertThat(f.store.stat(blob(sha256(other)))).isPresent();
    assertThat(f.anyBlobContains(big)).as("no object holds the deleted file's bytes").isFalse();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void contentSharedWithAnotherKeyIsKeptForItAndErasedWithTheLastReference(Backend backend) throws Exception {
    BigFileFixture f = new BigFileFixture(backend.open(tmp), tmp);
    byte[] same = f.content(3000);
    String a = uid(A, 0), b = uid(B, 0);
    assertThat(f.pack(ordered(a, same, b, same))).hasSize(2);
    String sha = sha256(same);
    assertThat(f.refs(sha)).containsExactly(A.toString(), B.toString());

    f.delete(A, a);
    f.erase(A);
    assertThat(f.store.stat(blob(sha))).as("key B still references it").isPresent();
    assertThat(f.refs(sha)).containsExactly(B.toString());
    assertThat(f.erasure(A, a)).hasValueSatisfying(e -> {
      assertThat(e.removedFrom()).isEqualTo(OLD);
      assertThat(e.contentShared()).isTrue();
    });
    assertThatThrownBy(() -> f.read(a)).isInstanceOf(FileDeletedException.class);
    assertThat(f.read(b)).isEqualTo(same);

    f.delete(B, b);
    f.erase(B);
    assertThat(f.store.stat(blob(sha))).isEmpty();
    assertThat(f.refs(sha)).isEmpty();
    assertThat(f.erasure(B, b)).hasValueSatisfying(e -> assertThat(e.contentShared()).isFalse());
    assertThat(f.anyBlobContains(same)).isFalse();
  }

  @Test
  void contentSharedWithinOneKeyIsKeptForTheOtherEntry() throws Exception {
    BigFileFixture f = new BigFileFixture(new InMemoryBlobStore(), tmp);
    byte[] same = f.content(3000);
    String a0 = uid(A, 0), a1 = uid(A, 1);
    f.pack(ordered(a0, same, a1, same));
    f.delete(A, a0);

    PurgeReport purged = f.erase(A);

    assertThat(purged.deleted()).containsExactly(OLD);
    assertThat(f.store.stat(blob(sha256(same)))).isPresent();
    assertThat(f.refs(sha256(same))).containsExactly(A.toString());
    assertThat(f.erasure(A, a0)).hasValueSatisfying(e -> assertThat(e.contentShared()).isTrue());
    assertThat(f.read(a1)).isEqualTo(same);
  }

  /** Key A's BigFile {@code a}, packed, deleted and repacked on a store with hooks: its old version is due for purge. */
  private record Deleted(FaultyBlobStore faulty, BigFileFixture f, byte[] big, String sha, String a) {}

  private Deleted deletedAndRepacked() throws Exception {
    FaultyBlobStore faulty = new FaultyBlobStore(new InMemoryBlobStore());
    BigFileFixture f = new BigFileFixture(faulty, tmp);
    byte[] big = f.content(3000);
    String a = uid(A, 0);
    f.pack(ordered(a, big));
    f.delete(A, a);
    f.repacker().run(A, 1, Set.of(), RepackListener.NONE);
    return new Deleted(faulty, f, big, sha256(big), a);
  }

  /** A purge of key A that dies after writing its doomed marker, before it deletes the content. */
  private static void purgeDiesAfterDooming(Deleted d) {
    d.faulty().before(Call.DELETE, blob(d.sha()).key(), d.faulty()::die);
    assertThatThrownBy(() -> d.f().repacker().purge(A, 1)).isInstanceOf(RetryableStorageException.class).hasMessageContaining("Injected death");
    d.faulty().reset();
  }

  @Test
  void aPackerThatReferencesTheContentBeforeAPurgeDoomsItKeepsIt() throws Exception {
    Deleted d = deletedAndRepacked();
    BigFileFixture f = d.f();
    String b = uid(B, 0);
    // Key B's packer has written its marker and found no doomed marker; as it looks for the blob to
    // reuse it, the purge of key A runs whole.
    AtomicReference<PurgeReport> purged = new AtomicReference<>();
    d.faulty().before(Call.STAT, blob(d.sha()).key(), () -> purged.set(f.repacker().purge(A, 1)));

    f.pack(ordered(b, d.big()));

    assertThat(purged.get()).as("the purge ran inside the pack").isNotNull();
    assertThat(purged.get().deleted()).containsExactly(OLD);
    assertThat(f.store.stat(blob(d.sha()))).isPresent();
    assertThat(f.refs(d.sha())).containsExactly(B.toString());
    assertThat(f.erasure(A, d.a())).hasValueSatisfying(e -> assertThat(e.contentShared()).isTrue());
    assertThat(f.read(b)).isEqualTo(d.big());
  }

  @Test
  void aPackerThatComesWhileAPurgeDeletesTheContentWaitsAndUploadsItAgain() throws Exception {
    Deleted d = deletedAndRepacked();
    BigFileFixture f = d.f();
    String b = uid(B, 0);
    // The purge of key A has written its doomed marker and listed no other marker; before it deletes
    // the blob, key B's packer starts, writes its marker, finds the doomed one and waits.
    String doomed = BigFileRefs.FOLDER + "/" + d.sha() + "/~doomed.";
    CountDownLatch packerWaited = new CountDownLatch(1);
    d.faulty().before(Call.LIST, doomed, () -> {}); // the packer's first look: the doomed marker is there
    d.faulty().before(Call.LIST, doomed, packerWaited::countDown); // its second look, after a pause
    ExecutorService packerThread = Executors.newSingleThreadExecutor();
    AtomicReference<Future<List<String>>> packed = new AtomicReference<>();
    d.faulty().before(Call.DELETE, blob(d.sha()).key(), () -> {
      packed.set(packerThread.submit(() -> f.pack(ordered(b, d.big()))));
      try {
        if (!packerWaited.await(20, TimeUnit.SECONDS)) {
          throw new IOException("the packer never waited for the purge");
        }
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
    });
    try {
      PurgeReport purged = f.repacker().purge(A, 1);
      assertThat(packed.get().get(30, TimeUnit.SECONDS)).hasSize(1);
      assertThat(purged.deleted()).containsExactly(OLD);
    } finally {
      packerThread.shutdownNow();
    }

    assertThat(f.erasure(A, d.a())).as("the purge saw no other marker: it erased the content")
        .hasValueSatisfying(e -> assertThat(e.contentShared()).isFalse());
    assertThat(f.store.stat(blob(d.sha()))).as("uploaded again by the packer").isPresent();
    assertThat(f.refs(d.sha())).containsExactly(B.toString());
    assertThat(f.read(b)).isEqualTo(d.big());
  }

  @Test
  void aPurgeThatDiesAfterDoomingTheContentIsFinishedByTheNextPurge() throws Exception {
    Deleted d = deletedAndRepacked();
    BigFileFixture f = d.f();

    purgeDiesAfterDooming(d);

    assertThat(f.refs(d.sha())).singleElement().asString().startsWith("~doomed." + A + ".");
    assertThat(f.store.stat(blob(d.sha()))).isPresent();
    assertThat(new io.des.catalog.ShardCatalog(f.store).load(A).retired()).extracting(RetiredShard::name)
        .as("the version stays: its index is the record of the content").containsExactly(OLD);
    assertThat(f.erasure(A, d.a())).isEmpty();
    // The next purge, after the dead purge's lease, finishes the erasure and removes its doomed marker.
    PurgeReport purged = f.repacker(refs(f, Duration.ofMinutes(11), BigFileRefs.PACKER_WAIT)).purge(A, 1);

    assertThat(purged.deleted()).containsExactly(OLD);
    assertThat(f.store.stat(blob(d.sha()))).isEmpty();
    assertThat(f.refs(d.sha())).isEmpty();
    assertThat(f.erasure(A, d.a())).hasValueSatisfying(e -> assertThat(e.contentShared()).isFalse());
  }

  @Test
  void aDoomedMarkerLeftByACrashBlocksPackersOnlyUntilItsLeaseEnds() throws Exception {
    Deleted d = deletedAndRepacked();
    BigFileFixture f = d.f();
    purgeDiesAfterDooming(d);
    BlobPath shardOfB = BlobPath.of("20240101_65_0000.des");

    BigFileRefs now = refs(f, Duration.ZERO, Duration.ofMillis(200));
    assertThatThrownBy(() -> now.reference(shardOfB, d.sha(), B))
        .isInstanceOf(BigFileBusyException.class)
        .hasMessageContaining("BigFile content " + d.sha())
        .hasMessageContaining("is being deleted by a purge (_bigFileRefs/" + d.sha() + "/~doomed." + A + ".")
        .hasMessageContaining("Retry");
    BigFileRefs afterLease = refs(f, Duration.ofMinutes(11), Duration.ofMillis(200));
    afterLease.reference(shardOfB, d.sha(), B);

    // The marker of that pack, which never wrote its shard, only keeps the content longer.
    PurgeReport purged = f.repacker(afterLease).purge(A, 1);
    assertThat(purged.deleted()).containsExactly(OLD);
    assertThat(f.store.stat(blob(d.sha()))).isPresent();
    assertThat(f.refs(d.sha())).containsExactly(B.toString());
    assertThat(f.erasure(A, d.a())).hasValueSatisfying(e -> assertThat(e.contentShared()).isTrue());
  }

  /** References whose clock runs {@code ahead} of the store's, with the default lease. */
  private static BigFileRefs refs(BigFileFixture f, Duration ahead, Duration packerWait) {
    return new BigFileRefs(f.store, Clock.offset(Clock.systemUTC(), ahead), BigFileRefs.DOOMED_LEASE, packerWait);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void contentPackedBeforeReferenceMarkersIsNeverDeleted(Backend backend) throws Exception {
    BigFileFixture f = new BigFileFixture(backend.open(tmp), tmp);
    byte[] big = f.content(3000), tiny = f.content(100);
    String sha = sha256(big), a = uid(A, 0), c = uid(A, 1);
    f.pack(ordered(a, big, c, tiny));
    // As if packed by a DES without markers, then upgraded: no marker, and an epoch that starts now.
    f.store.delete(List.of(MarkerEpoch.PATH, BlobPath.of(BigFileRefs.FOLDER + "/" + sha + "/" + A)));
    MarkerEpoch.start(f.store, MarkerEpoch.UPGRADE_MARGIN);
    f.delete(A, a);
    Repacker repacker = f.repacker();
    assertThat(repacker.plan(A).shards()).as("nothing a repack would drop").isEmpty();

    f.delete(A, c); // a repack for another file rewrites the shard
    RepackReport run = repacker.run(A, 1, Set.of(), RepackListener.NONE);
    assertThat(run.repacked()).singleElement().satisfies(r -> {
      assertThat(r.dropped()).isEqualTo(1);
      assertThat(r.kept()).isEqualTo(1);
      assertThat(r.problems()).singleElement().asString()
          .isEqualTo("Tombstoned BigFile '" + a + "' kept: its content _bigFiles/" + sha
              + " predates reference markers, so no purge erases it; its tombstone stays pending");
    });
    PurgeReport purged = repacker.purge(A, 1);

    assertThat(purged.deleted()).containsExactly(OLD);
    assertThat(purged.heldBack()).isEmpty();
    assertThat(f.store.stat(blob(sha))).isPresent();
    assertThat(f.erasure(A, a)).as("pending").isEmpty();
    assertThat(f.erasure(A, c)).isPresent();
    assertThatThrownBy(() -> f.read(a)).isInstanceOf(FileDeletedException.class);
  }

  @Test
  void theEraserLeavesContentWithoutAnEpochAlone() throws Exception {
    BigFileFixture f = new BigFileFixture(new InMemoryBlobStore(), tmp);
    byte[] big = f.content(3000);
    String sha = sha256(big);
    f.pack(ordered(uid(A, 0), big));
    f.store.delete(MarkerEpoch.PATH); // an archive no packer with markers wrote to

    BigFileEraser.Result result = new BigFileEraser(new BigFileRefs(f.store)).release(BlobPath.of(OLD), sha, A);

    assertThat(result.outcome()).isEqualTo(BigFileEraser.Outcome.PREDATES_MARKERS);
    assertThat(f.store.stat(blob(sha))).isPresent();
    assertThat(f.refs(sha)).containsExactly(A.toString());
  }

  private static Map<String, byte[]> ordered(Object... uidThenContent) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < uidThenContent.length; i += 2) {
      files.put((String) uidThenContent[i], (byte[]) uidThenContent[i + 1]);
    }
    return files;
  }
}
