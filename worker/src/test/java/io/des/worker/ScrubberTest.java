package io.des.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.catalog.ArchiveKeys;
import io.des.catalog.LiveShard;
import io.des.coord.FencedLease;
import io.des.coord.FencedLocks;
import io.des.coord.RedisCoordination;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.storage.LocalBlobStore;
import io.des.verify.VerificationRecord;
import io.des.verify.VerificationStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrubbers of a fleet, on a real Redis and a packed local archive, with a corrupt entry and a lost lease. */
class ScrubberTest {
  private static final int SHARDS_PER_RUN = 3;

  @TempDir Path tmp;
  private BlobStore blobs;
  private Archive archive;
  private VerificationStore records;
  private TestRedis redis;
  private RedisCoordination first;
  private RedisCoordination second;

  @BeforeEach
  void setUp() throws Exception {
    blobs = new LocalBlobStore(tmp.resolve("store"));
    archive = Archive.create(blobs, 4, ReaderLimits.DEFAULTS); // 16 keys a day
    Path src = Files.createDirectories(tmp.resolve("src"));
    List<SourceFile> files = new ArrayList<>();
    Random random = new Random(11);
    for (String day : List.of("2024-05-16", "2024-05-17")) {
      for (int i = 0; i < 24; i++) {
        byte[] content = new byte[100 + random.nextInt(400)];
        random.nextBytes(content); // incompressible: stored as is, so a flipped byte is a checksum failure
        Path p = Files.write(src.resolve(day + "-" + i), content);
        files.add(new SourceFile(day + "/f" + i, CreatedAt.parse(day + "T10:00:00Z"), -1, p, day + "/f" + i));
      }
    }
    try (Packer packer = new Packer(archive, PackOptions.defaults(4), PackListener.NONE)) {
      packer.pack(files);
    }
    records = new VerificationStore(blobs);
    redis = new TestRedis(ScrubberTest.class);
    first = redis.connect();
    second = redis.connect();
  }

  @AfterEach
  void tearDown() {
    if (redis != null) {
      redis.close();
    }
  }

  private Scrubber scrubber(FencedLocks locks, MeterRegistry meters) {
    return new Scrubber(archive, records, locks, first.checkpoints(), SHARDS_PER_RUN, 2, Clock.systemUTC(), meters);
  }

  private Scrubber scrubber(RedisCoordination process, MeterRegistry meters) {
    return new Scrubber(archive, records, process.locks(), process.checkpoints(), SHARDS_PER_RUN, 2, Clock.systemUTC(), meters);
  }

  private List<String> liveShards() throws Exception {
    List<String> names = new ArrayList<>();
    try (Stream<ShardKey> keys = new ArchiveKeys(blobs, archive.catalog()).all()) {
      for (ShardKey key : keys.toList()) {
        archive.catalog().load(key).shards().stream().map(LiveShard::name).forEach(names::add);
      }
    }
    return names;
  }

  private ScrubCursor cursor() {
    return first.checkpoints().load(Scrubber.CHECKPOINT).map(c -> ScrubCursor.decode(c.state())).orElseThrow();
  }

  /** Runs {@code scrubber} until the fleet's first pass over the archive is complete. */
  private void scrubAPass(Scrubber scrubber, int maxRuns) {
    for (int run = 0; run < maxRuns; run++) {
      assertThat(scrubber.run()).isEqualTo(Scrubber.Outcome.DONE);
      if (cursor().passCompleted()) {
        return;
      }
    }
    throw new AssertionError("no pass completed in " + maxRuns + " runs");
  }

  private static double count(SimpleMeterRegistry meters, String name, String... tags) {
    var counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void twoScrubbersShareOneCursorUnderTheLockAndVerifyEveryLiveShardOncePerPass() throws Exception {
    List<String> live = liveShards();
    assertThat(live).hasSizeGreaterThan(4 * SHARDS_PER_RUN);
    SimpleMeterRegistry metersA = new SimpleMeterRegistry();
    SimpleMeterRegistry metersB = new SimpleMeterRegistry();
    Scrubber a = scrubber(first, metersA);
    Scrubber b = scrubber(second, metersB);

    // One at a time: each takes up where the other stopped.
    assertThat(a.run()).isEqualTo(Scrubber.Outcome.DONE);
    ShardKey afterA = cursor().cursor();
    assertThat(b.run()).isEqualTo(Scrubber.Outcome.DONE);
    assertThat(cursor().cursor().toString()).isGreaterThan(afterA.toString());
    assertThat(count(metersA, "des.shard.verifications", "result", "ok")).isGreaterThanOrEqualTo(SHARDS_PER_RUN);
    assertThat(count(metersB, "des.shard.verifications", "result", "ok")).isGreaterThanOrEqualTo(SHARDS_PER_RUN);

    // Both at once, round after round, until the pass is complete.
    for (int round = 0; !cursor().passCompleted(); round++) {
      assertThat(round).as("rounds").isLessThan(live.size());
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Scrubber.Outcome> ra = CompletableFuture.supplyAsync(() -> await(go, a));
      CompletableFuture<Scrubber.Outcome> rb = CompletableFuture.supplyAsync(() -> await(go, b));
      go.countDown();
      assertThat(List.of(ra.get(), rb.get())).contains(Scrubber.Outcome.DONE).doesNotContain(Scrubber.Outcome.FAILED);
    }
    ScrubCursor done = cursor();
    assertThat(done.lastPassShards()).as("shards verified in the pass: each once").isEqualTo(live.size());
    assertThat(done.lastPassCorrupt()).isZero();
    for (String shard : live) {
      assertThat(records.find(shard)).as(shard).hasValueSatisfying(r -> assertThat(r.ok()).isTrue());
    }
    try (Stream<VerificationRecord> failures = records.failures("")) {
      assertThat(failures).isEmpty();
    }
    double runs = count(metersA, "des.scrub.runs", "outcome", "done") + count(metersB, "des.scrub.runs", "outcome", "done");
    assertThat(runs).isGreaterThanOrEqualTo((double) live.size() / (SHARDS_PER_RUN + 2));
    assertThat(metersA.get("des.scrub.verified").counter().count()).isPositive();
    assertThat(metersA.get("des.scrub.entries.verified").counter().count()).isPositive();
  }

  private static Scrubber.Outcome await(CountDownLatch go, Scrubber scrubber) {
    try {
      go.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return scrubber.run();
  }

  @Test
  void aCorruptEntryIsRecordedAsTheOnlyFailure() throws Exception {
    List<String> live = liveShards();
    String corrupt = live.get(live.size() / 2);
    IndexEntry entry = archive.shard(corrupt).index().entries().get(0);
    Path file = tmp.resolve("store").resolve(corrupt);
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) (entry.offset() + entry.length() / 2)] ^= 0x20;
    Files.write(file, bytes);

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    scrubAPass(scrubber(first, meters), live.size());

    try (Stream<VerificationRecord> failures = records.failures("")) {
      assertThat(failures).singleElement().satisfies(r -> {
        assertThat(r.shard()).isEqualTo(corrupt);
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.uid()).isEqualTo(entry.uid()));
      });
    }
    assertThat(count(meters, "des.shard.verifications", "result", "corrupt")).isEqualTo(1);
    assertThat(count(meters, "des.shard.verifications", "result", "ok")).isEqualTo(live.size() - 1);
    assertThat(meters.get("des.shard.corruption.rate").gauge().value()).isEqualTo(1.0 / live.size());
    assertThat(meters.get("des.scrub.last.pass").gauge().value()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theCursorWrapsAroundToTheFirstKeyAfterAPass() throws Exception {
    List<ShardKey> keys;
    try (Stream<ShardKey> all = new ArchiveKeys(blobs, archive.catalog()).all()) {
      keys = all.toList();
    }
    Scrubber scrubber = scrubber(first, new SimpleMeterRegistry());
    scrubAPass(scrubber, keys.size());
    assertThat(cursor().cursor()).as("a new pass starts at the first key").isNull();

    assertThat(scrubber.run()).isEqualTo(Scrubber.Outcome.DONE);
    ScrubCursor again = cursor();
    assertThat(keys.indexOf(again.cursor())).isBetween(0, SHARDS_PER_RUN - 1); // at least one shard a key
    assertThat(again.passShards()).isBetween((long) SHARDS_PER_RUN, (long) SHARDS_PER_RUN + 10);
    assertThat(again.lastPassShards()).isEqualTo(liveShards().size());
  }

  @Test
  void aScrubberWhoseLeaseWasLostCannotSaveTheCursor() throws Exception {
    FencedLease lost = first.locks().tryAcquire(Scrubber.LOCK, Duration.ZERO).orElseThrow();
    lost.close(); // released (or lapsed) while its holder was paused
    assertThat(scrubber(second, new SimpleMeterRegistry()).run()).isEqualTo(Scrubber.Outcome.DONE);
    ScrubCursor saved = cursor();

    FencedLocks stillBelieves = new FencedLocks() {
      @Override
      public Optional<FencedLease> tryAcquire(String name, Duration wait) {
        return Optional.of(lost);
      }

      @Override
      public Duration leaseTimeout() {
        return first.leaseTimeout();
      }
    };
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    assertThat(scrubber(stillBelieves, meters).run()).isEqualTo(Scrubber.Outcome.FAILED);
    assertThat(cursor()).isEqualTo(saved);
    assertThat(count(meters, "des.scrub.runs", "outcome", "failed")).isEqualTo(1);
  }

  @Test
  void aScrubberSkipsTheRunWhileAnotherHoldsTheLock() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (FencedLease held = second.locks().tryAcquire(Scrubber.LOCK, Duration.ZERO).orElseThrow()) {
      assertThat(scrubber(first, meters).run()).isEqualTo(Scrubber.Outcome.SKIPPED);
    }
    assertThat(first.checkpoints().load(Scrubber.CHECKPOINT)).isEmpty();
    assertThat(count(meters, "des.scrub.runs", "outcome", "skipped")).isEqualTo(1);
    assertThat(count(meters, "des.shard.verifications", "result", "ok")).isZero();
  }

  @Test
  void theMetricsAreNamedAsPrometheusWantsThem() throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    scrubAPass(scrubber(first, meters), liveShards().size());
    assertThat(meters.scrape()).contains(
        "des_shard_verifications_total{result=\"ok\"}", "des_shard_corruption_rate 0.0", "des_scrub_entries_verified_total",
        "des_scrub_verified_bytes_total", "des_scrub_last_pass_seconds", "des_scrub_runs_total{outcome=\"done\"}");
  }
}
