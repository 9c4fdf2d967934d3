package io.des.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.ShardCatalog;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.format.ShardReader;
import io.des.format.ShardVerifier;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.LocalBlobStore;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BulkVerifier and VerificationStore on a local folder of many shards, some of them damaged. */
class BulkVerifierTest {
  private static final Instant CHECKED = Instant.parse("2026-01-02T03:04:05Z");
  private static final List<String> DAYS = List.of("2024-05-16", "2024-05-17", "2024-06-01");

  @TempDir Path tmp;
  private BlobStore blobs;
  private Archive archive;
  private List<String> shards;

  @BeforeEach
  void packManyShards() throws Exception {
    blobs = new LocalBlobStore(tmp.resolve("store"));
    List<SourceFile> files = new ArrayList<>();
    Random random = new Random(7);
    Path src = Files.createDirectories(tmp.resolve("src"));
    for (String day : DAYS) {
      for (int i = 0; i < 40; i++) {
        byte[] content = new byte[200 + random.nextInt(800)];
        random.nextBytes(content); // incompressible: stored as is, so a flipped byte is a checksum failure
        String uid = day + "/f" + i;
        Path p = Files.write(src.resolve(day + "-" + i), content);
        files.add(new SourceFile(uid, CreatedAt.parse(day + "T10:00:00Z"), -1, p, uid));
      }
    }
    archive = Archive.create(blobs, 4, ReaderLimits.DEFAULTS); // 16 keys a day
    try (Packer packer = new Packer(archive, PackOptions.defaults(4), PackListener.NONE)) {
      packer.pack(files);
    }
    shards = new ArrayList<>();
    try (Stream<io.des.storage.BlobInfo> listing = blobs.list("2024")) {
      listing.forEach(i -> shards.add(i.path().key()));
    }
    assertThat(shards).hasSizeGreaterThan(20);
  }

  private static final class Recording implements VerificationListener {
    final Set<String> found = ConcurrentHashMap.newKeySet();
    final AtomicLong entries = new AtomicLong();
    final AtomicLong badEntries = new AtomicLong();
    final Set<String> checked = ConcurrentHashMap.newKeySet();

    @Override
    public void shardFound(String shard, long size) {
      found.add(shard);
    }

    @Override
    public void entryChecked(String shard, IndexEntry entry, ShardVerifier.Problem problem) {
      entries.incrementAndGet();
      if (problem != null) {
        badEntries.incrementAndGet();
      }
    }

    @Override
    public void shardChecked(ShardVerifier.Result result) {
      checked.add(result.shard());
    }
  }

  private String flipAnEntryByte(String shard) throws Exception {
    ShardReader reader = ShardReader.open(blobs, BlobPath.of(shard), ReaderLimits.DEFAULTS);
    IndexEntry entry = reader.index().entries().get(0);
    Path file = tmp.resolve("store").resolve(shard);
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) (entry.offset() + entry.length() / 2)] ^= 0x40;
    Files.write(file, bytes);
    return entry.uid();
  }

  private void truncate(String shard) throws Exception {
    Path file = tmp.resolve("store").resolve(shard);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
  }

  @Test
  void findsACorruptEntryAndATruncatedShardAmongManyAndRecordsOnlyThoseAsFailures() throws Exception {
    String corrupt = shards.get(3);
    String truncated = shards.get(shards.size() - 2);
    String badUid = flipAnEntryByte(corrupt);
    truncate(truncated);
    Recording listener = new Recording();
    VerificationStore records = new VerificationStore(blobs);

    BulkVerifier.Summary summary = new BulkVerifier(archive, 3, listener)
        .recordingTo(records, Clock.fixed(CHECKED, ZoneOffset.UTC))
        .verify(VerifyScope.all());

    assertThat(summary.shards()).isEqualTo(shards.size());
    assertThat(summary.corruptShards()).isEqualTo(2);
    assertThat(summary.ok()).isFalse();
    assertThat(listener.found).containsExactlyInAnyOrderElementsOf(shards);
    assertThat(listener.checked).containsExactlyInAnyOrderElementsOf(shards);
    assertThat(listener.entries.get()).as("every entry of every readable shard").isEqualTo(summary.entries());
    assertThat(listener.badEntries.get()).isEqualTo(1);
    assertThat(summary.verifiedEntries()).isEqualTo(summary.entries() - 1);

    try (Stream<VerificationRecord> failures = records.failures("")) {
      assertThat(failures.map(VerificationRecord::shard)).containsExactlyInAnyOrder(corrupt, truncated);
    }
    VerificationRecord entryFailure = records.find(corrupt).orElseThrow();
    assertThat(entryFailure.ok()).isFalse();
    assertThat(entryFailure.checkedAt()).isEqualTo(CHECKED);
    assertThat(entryFailure.problemCount()).isEqualTo(1);
    assertThat(entryFailure.problems()).singleElement().satisfies(p -> {
      assertThat(p.uid()).isEqualTo(badUid);
      assertThat(p.message()).contains(corrupt, badUid);
    });
    VerificationRecord shardFailure = records.find(truncated).orElseThrow();
    assertThat(shardFailure.problems()).singleElement().satisfies(p -> assertThat(p.uid()).isNull());
    VerificationRecord healthy = records.find(shards.get(0)).orElseThrow();
    assertThat(healthy.ok()).isTrue();
    assertThat(healthy.entries()).isPositive().isEqualTo(healthy.verified());
    ShardKey key = archive.router().route(badUid, CreatedAt.parse(badUid.substring(0, 10)));
    assertThat(blobs.stat(BlobPath.of("_verify/" + key.dateDir() + "/" + key.shardHex() + "/" + corrupt + ".json"))).isPresent();
    try (Stream<VerificationRecord> all = records.list("")) {
      assertThat(all.count()).isEqualTo(shards.size());
    }
    try (Stream<VerificationRecord> sameDay = records.failures(key.dateDir() + "/")) {
      assertThat(sameDay.map(VerificationRecord::shard)).contains(corrupt).allMatch(s -> s.startsWith(key.dateDir() + "_"));
    }
  }

  @Test
  void aRepairedShardsNewResultReplacesItsFailure() throws Exception {
    String shard = shards.get(0);
    byte[] original = Files.readAllBytes(tmp.resolve("store").resolve(shard));
    flipAnEntryByte(shard);
    VerificationStore records = new VerificationStore(blobs);
    BulkVerifier verifier = new BulkVerifier(archive, 2, VerificationListener.NONE).recordingTo(records, Clock.systemUTC());
    assertThat(verifier.verify(VerifyScope.shards(List.of(shard))).corruptShards()).isEqualTo(1);
    Files.write(tmp.resolve("store").resolve(shard), original);
    assertThat(verifier.verify(VerifyScope.shards(List.of(shard))).ok()).isTrue();
    try (Stream<VerificationRecord> failures = records.failures("")) {
      assertThat(failures).isEmpty();
    }
  }

  @Test
  void scopesNarrowToADayADatePrefixAKeyOrNamedShards() throws Exception {
    BulkVerifier verifier = new BulkVerifier(archive, 2, VerificationListener.NONE);
    long may17 = shards.stream().filter(s -> s.startsWith("20240517_")).count();
    long may = shards.stream().filter(s -> s.startsWith("202405")).count();
    assertThat(verifier.verify(VerifyScope.day("20240517")).shards()).isEqualTo(may17);
    assertThat(verifier.verify(VerifyScope.datePrefix("202405")).shards()).isEqualTo(may);
    ShardKey key = io.des.catalog.ShardName.parse(shards.get(0)).orElseThrow().key();
    assertThat(verifier.verify(VerifyScope.key(key)).shards()).isEqualTo(shards.stream().filter(s -> s.startsWith(key.prefix())).count());
    assertThat(verifier.verify(VerifyScope.shards(shards.subList(0, 2))).entries()).isPositive();
    assertThatThrownBy(() -> verifier.verify(VerifyScope.shards(List.of("20240517_1_9999.des"))))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("No shard 20240517_1_9999.des in file:");
    assertThatThrownBy(() -> VerifyScope.day("20241345")).hasMessageContaining("Invalid date directory '20241345'");
  }

  @Test
  void aKeyWithoutCatalogIsFoundByItsShardFilesAndAMissingLiveShardIsAProblem() throws Exception {
    String shard = shards.get(5);
    ShardKey key = io.des.catalog.ShardName.parse(shard).orElseThrow().key();
    List<BlobPath> catalog = new ArrayList<>();
    try (Stream<io.des.storage.BlobInfo> listing = blobs.list(ShardCatalog.folder(key) + "/")) {
      listing.forEach(i -> catalog.add(i.path()));
    }
    blobs.delete(catalog); // as upstream wrote it: shard files only
    Archive upstreamStyle = new Archive(blobs, 4, ReaderLimits.DEFAULTS, 1 << 20);
    assertThat(new BulkVerifier(upstreamStyle, 2, VerificationListener.NONE).verify(VerifyScope.all()).shards()).isEqualTo(shards.size());

    String other = shards.get(0);
    ShardKey otherKey = io.des.catalog.ShardName.parse(other).orElseThrow().key();
    CatalogState state = archive.catalog().load(otherKey);
    assertThat(state.shards()).extracting(LiveShard::name).contains(other);
    blobs.delete(BlobPath.of(other));
    ShardVerifier.Result[] missing = new ShardVerifier.Result[1];
    BulkVerifier.Summary summary = new BulkVerifier(archive, 1, new VerificationListener() {
      @Override
      public void shardChecked(ShardVerifier.Result result) {
        if (result.shard().equals(other)) {
          missing[0] = result;
        }
      }
    }).verify(VerifyScope.key(otherKey));
    assertThat(summary.corruptShards()).isEqualTo(1);
    assertThat(missing[0].problems()).singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo("Shard " + other + " is live in its catalog but missing from " + blobs.describe()));
  }

  @Test
  void aShardRetiredWhileTheRunGoesOnIsNeitherCountedNorRecorded() throws Exception {
    String gone = shards.get(1);
    ShardKey key = io.des.catalog.ShardName.parse(gone).orElseThrow().key();
    int live = archive.catalog().load(key).shards().size();
    VerificationStore records = new VerificationStore(blobs);
    Set<String> retired = ConcurrentHashMap.newKeySet();
    BulkVerifier.Summary summary = new BulkVerifier(archive, 1, new VerificationListener() {
      @Override
      public void shardFound(String shard, long size) {
        if (shard.equals(gone)) { // a repack swaps it out and the purge deletes it, after the catalog was read
          try {
            CatalogState state = archive.catalog().load(key);
            archive.catalog().commit(key, state.fence(), s -> s.withSwap(gone, null, CHECKED));
            blobs.delete(BlobPath.of(gone));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }

      @Override
      public void shardRetired(String shard) {
        retired.add(shard);
      }
    }).recordingTo(records, Clock.fixed(CHECKED, ZoneOffset.UTC)).verify(VerifyScope.keys(List.of(key)));

    assertThat(retired).containsExactly(gone);
    assertThat(summary.shards()).isEqualTo(live - 1);
    assertThat(summary.corruptShards()).isZero();
    assertThat(records.find(gone)).isEmpty();
    try (Stream<VerificationRecord> failures = records.failures("")) {
      assertThat(failures).isEmpty();
    }
  }
}
