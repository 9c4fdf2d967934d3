package io.des.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.coord.FencedLease;
import io.des.coord.FencedLocks;
import io.des.coord.JobLedger;
import io.des.coord.JobState;
import io.des.coord.LocalCheckpointStore;
import io.des.coord.LocalFencedLocks;
import io.des.coord.LocalJobLedger;
import io.des.format.ReaderLimits;
import io.des.job.JobFile;
import io.des.job.JobPlanner;
import io.des.job.PackJob;
import io.des.job.SourceKind;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.ResumablePacker;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.storage.LocalBlobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One job, run the ways a fleet runs it: twice at once, after a crash, with bad files, too late. */
class JobRunnerTest {
  private static final CreatedAt DAY = CreatedAt.parse("2024-03-03T03:03:03Z");

  @TempDir Path tmp;
  private Archive archive;
  private ResumablePacker packer;
  private LocalFencedLocks locks;
  private LocalCheckpointStore checkpoints;
  private LocalJobLedger ledger;
  private SimpleMeterRegistry meters;

  @BeforeEach
  void setUp() throws Exception {
    archive = Archive.create(new LocalBlobStore(tmp.resolve("store")), 8, ReaderLimits.DEFAULTS);
    packer = new ResumablePacker(archive, PackOptions.defaults(8), PackListener.NONE);
    locks = new LocalFencedLocks();
    checkpoints = new LocalCheckpointStore(tmp.resolve("checkpoints"));
    ledger = new LocalJobLedger();
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    packer.close();
    locks.close();
  }

  private JobRunner runner(String id, FencedLocks locks) {
    return new JobRunner(packer, archive, locks, checkpoints, ledger, Map.of(SourceKind.LANDING, new LandingSourceMarker()), id, Duration.ofSeconds(10), meters);
  }

  /** The test's own locks, each lease passed through {@code wrap}: a backend with the fault a test needs. */
  private FencedLocks wrapping(UnaryOperator<FencedLease> wrap) {
    return new FencedLocks() {
      @Override
      public Optional<FencedLease> tryAcquire(String name, Duration wait) {
        return locks.tryAcquire(name, wait).map(wrap);
      }

      @Override
      public Duration leaseTimeout() {
        return Duration.ofSeconds(1);
      }
    };
  }

  /** A lease that does what the real one does, for a test to change one thing. */
  private static class Forwarding implements FencedLease {
    final FencedLease real;

    Forwarding(FencedLease real) {
      this.real = real;
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public long token() {
      return real.token();
    }

    @Override
    public boolean isHeld() {
      return real.isHeld();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private PackJob job(int files) throws Exception {
    Router router = new Router(8);
    ShardKey key = router.route("f-0", DAY);
    Path landing = Files.createDirectories(tmp.resolve("landing"));
    List<JobFile> jobFiles = new ArrayList<>();
    for (int i = 0; jobFiles.size() < files; i++) {
      String uid = "f-" + i;
      if (router.route(uid, DAY).equals(key)) {
        byte[] content = ("content of " + uid + " ").repeat(1 + i % 50).getBytes(StandardCharsets.UTF_8);
        Path p = landing.resolve(uid);
        Files.write(p, content);
        jobFiles.add(new JobFile(uid, DAY, content.length, p.toString()));
      }
    }
    return new JobPlanner(8, SourceKind.LANDING, 1L << 30, 5000).plan(key, jobFiles).get(0);
  }

  private List<String> liveUids(ShardKey key) throws Exception {
    List<String> uids = new ArrayList<>();
    for (var shard : archive.catalog().load(key).shards()) {
      archive.shard(shard.name()).index().entries().forEach(e -> uids.add(e.uid()));
    }
    return uids;
  }

  @Test
  void aJobDeliveredTwiceAtOnceMakesOneCopyOfEachFile() throws Exception {
    PackJob job = job(30);
    ledger.offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes()); // one run is the first
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<JobRunner.Outcome>> runs = new ArrayList<>();
      for (String id : List.of("w1", "w2")) {
        Callable<JobRunner.Outcome> run = () -> runner(id, locks).run(job);
        runs.add(pool.submit(run));
      }
      List<JobRunner.Outcome> outcomes = new ArrayList<>();
      for (Future<JobRunner.Outcome> f : runs) {
        outcomes.add(f.get());
      }
      assertThat(outcomes).contains(JobRunner.Outcome.DONE);
    } finally {
      pool.shutdownNow();
    }
    assertThat(liveUids(job.key())).hasSize(30).doesNotHaveDuplicates();
    assertThat(ledger.get(job.jobId()).orElseThrow().state()).isEqualTo(JobState.DONE);
    assertThat(job.files()).allMatch(f -> !Files.exists(Path.of(f.location())));
    assertThat(runner("w3", locks).run(job)).isEqualTo(JobRunner.Outcome.ALREADY_DONE);
  }

  @Test
  void aFirstRunCallsTheLedgerTwiceAndARedeliveryOnce() throws Exception {
    PackJob job = job(5);
    ledger.offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes());
    List<String> calls = new ArrayList<>();
    JobLedger counted = (JobLedger) java.lang.reflect.Proxy.newProxyInstance(JobLedger.class.getClassLoader(),
        new Class<?>[] {JobLedger.class}, (proxy, method, args) -> {
          calls.add(method.getName());
          try {
            return method.invoke(ledger, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    Map<SourceKind, SourceMarker> markers = Map.of(SourceKind.LANDING, new LandingSourceMarker());
    JobRunner runner = new JobRunner(packer, archive, locks, checkpoints, counted, markers, "w1", Duration.ofSeconds(10), meters);

    // Each ledger call is a Redis round trip on the job's path, which a loaded fleet waits for.
    assertThat(runner.run(job)).isEqualTo(JobRunner.Outcome.DONE);
    assertThat(calls).containsExactly("running", "done");
    calls.clear();
    assertThat(runner.run(job)).isEqualTo(JobRunner.Outcome.ALREADY_DONE);
    assertThat(calls).as("the job stays DONE").containsExactly("running");
    assertThat(ledger.get(job.jobId()).orElseThrow().state()).isEqualTo(JobState.DONE);
  }

  @Test
  void aWorkerThatDiedBetweenCommitAndMarkingIsFollowedByOneThatOnlyMarks() throws Exception {
    PackJob job = job(10);
    SourceMarker dies = (j, files) -> {
      throw new IllegalStateException("killed before marking");
    };
    JobRunner first = new JobRunner(packer, archive, locks, checkpoints, ledger, Map.of(SourceKind.LANDING, dies), "w1", Duration.ofSeconds(1), meters);
    assertThatThrownBy(() -> first.run(job)).hasMessageContaining("killed before marking");
    CatalogState committed = archive.catalog().load(job.key());
    assertThat(job.files()).allMatch(f -> Files.exists(Path.of(f.location())));

    assertThat(runner("w2", locks).run(job)).isEqualTo(JobRunner.Outcome.DONE);
    CatalogState after = archive.catalog().load(job.key());
    assertThat(after.shards()).isEqualTo(committed.shards());
    assertThat(liveUids(job.key())).hasSize(10).doesNotHaveDuplicates();
    assertThat(job.files()).allMatch(f -> !Files.exists(Path.of(f.location())));
  }

  @Test
  void filesThatCannotBePackedAreLeftOutAndTheRestGoesOn() throws Exception {
    PackJob job = job(12);
    Files.delete(Path.of(job.files().get(0).location()));
    Files.writeString(Path.of(job.files().get(1).location()), "a different size now");

    assertThat(runner("w1", locks).run(job)).isEqualTo(JobRunner.Outcome.DONE);
    assertThat(liveUids(job.key())).hasSize(10).doesNotContain(job.files().get(0).uid(), job.files().get(1).uid());
    assertThat(Path.of(job.files().get(1).location())).as("a left-out file is not deleted").exists();
    assertThat(ledger.get(job.jobId()).orElseThrow().detail()).contains("2 rejected");
    assertThat(meters.counter("des.worker.file.problems").count()).isEqualTo(2);
  }

  @Test
  void aJobOfWhichNothingCanBePackedIsUnpackable() throws Exception {
    PackJob job = job(3);
    for (JobFile f : job.files()) {
      Files.delete(Path.of(f.location()));
    }
    assertThatThrownBy(() -> runner("w1", locks).run(job))
        .isInstanceOf(UnpackableJobException.class)
        .hasMessageContaining("source file does not exist");
  }

  @Test
  void aKeyLockedElsewhereIsBusy() throws Exception {
    PackJob job = job(3);
    try (FencedLease held = locks.tryAcquire(JobRunner.lockName(job), Duration.ZERO).orElseThrow()) {
      JobRunner impatient = new JobRunner(packer, archive, locks, checkpoints, ledger, Map.of(SourceKind.LANDING, new LandingSourceMarker()), "w2", Duration.ofMillis(50), meters);
      assertThatThrownBy(() -> impatient.run(job)).isInstanceOf(KeyBusyException.class);
    }
  }

  @Test
  void aFinishedJobDoesNotWaitForItsLockToBeReleased() throws Exception {
    PackJob job = job(5);
    // A backend that takes its time to answer the release: close() blocks until it has.
    CountDownLatch backendAnswers = new CountDownLatch(1);
    AtomicBoolean releaseStarted = new AtomicBoolean();
    FencedLocks slowToRelease = wrapping(real -> new Forwarding(real) {
      @Override
      public CompletionStage<Void> release() {
        releaseStarted.set(true);
        return CompletableFuture.runAsync(this::answerAndRelease);
      }

      @Override
      public void close() {
        if (!releaseStarted.get()) {
          answerAndRelease();
        }
      }

      private void answerAndRelease() {
        try {
          backendAnswers.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        real.close();
      }
    });
    CompletableFuture<JobRunner.Outcome> run = CompletableFuture.supplyAsync(() -> {
      try {
        return runner("w1", slowToRelease).run(job);
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    try {
      assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(JobRunner.Outcome.DONE);
      assertThat(releaseStarted).as("the lock's release was started").isTrue();
      assertThat(ledger.get(job.jobId()).orElseThrow().state()).isEqualTo(JobState.DONE);
    } finally {
      backendAnswers.countDown();
    }
    try (FencedLease next = locks.tryAcquire(JobRunner.lockName(job), Duration.ofSeconds(10)).orElseThrow()) {
      assertThat(next.isHeld()).as("the key is free once the release lands").isTrue();
    }
  }

  @Test
  void aHolderWithAnOlderTokenIsRefusedByTheCatalog() throws Exception {
    PackJob job = job(5);
    // A newer holder claims the key first (and packs part of the files, as if half way).
    PackJob partial = new JobPlanner(8, SourceKind.LANDING, 1L << 30, 5000).plan(job.key(), job.files().subList(0, 2)).get(0);
    assertThat(runner("newer", locks).run(partial)).isEqualTo(JobRunner.Outcome.DONE);
    long newer = archive.catalog().load(job.key()).fence();

    // The paused holder wakes up believing it still holds the lock, with its old token.
    FencedLocks stale = new FencedLocks() {
      @Override
      public Optional<FencedLease> tryAcquire(String name, Duration wait) {
        return Optional.of(new FencedLease() {
          public String name() {
            return name;
          }

          public long token() {
            return newer - 1;
          }

          public boolean isHeld() {
            return false;
          }

          public void close() {}
        });
      }

      @Override
      public Duration leaseTimeout() {
        return Duration.ofSeconds(1);
      }
    };
    assertThat(runner("stale", stale).run(job)).isEqualTo(JobRunner.Outcome.FENCED);
    assertThat(meters.counter("des.worker.fenced.commits").count()).isEqualTo(1);
    assertThat(liveUids(job.key())).hasSize(2);
    assertThat(archive.catalog().load(job.key()).fence()).isEqualTo(newer);
  }

  @Test
  void aHolderPausedPastItsLeaseWhoseSourcesVanishedIsFencedNotFailed() throws Exception {
    PackJob job = job(200);
    AtomicBoolean takenOver = new AtomicBoolean();
    // While this worker packs, its lease lapses; the next holder finishes the job and marks (deletes) the sources.
    PackListener takeover = new PackListener() {
      @Override
      public void packed(long bytes) {
        if (takenOver.compareAndSet(false, true)) {
          ledger.running(job.jobId(), job.key().toString(), job.files().size(), job.bytes(), "newer");
          try {
            new LandingSourceMarker().mark(job, job.files());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          ledger.done(job.jobId(), "packed by newer");
        }
      }
    };
    AtomicBoolean held = new AtomicBoolean(true);
    FencedLocks lapsing = wrapping(real -> new Forwarding(real) {
      @Override
      public boolean isHeld() {
        return held.get() && !takenOver.get();
      }

      @Override
      public void close() {} // the lapsed lease releases nothing
    });
    try (ResumablePacker slow = new ResumablePacker(archive, PackOptions.defaults(8).withMaxShardSize(4096), takeover)) {
      JobRunner paused = new JobRunner(slow, archive, lapsing, checkpoints, ledger, Map.of(SourceKind.LANDING, new LandingSourceMarker()), "paused", Duration.ofSeconds(1), meters);
      assertThat(paused.run(job)).isEqualTo(JobRunner.Outcome.FENCED);
    }
    assertThat(takenOver).isTrue();
    assertThat(meters.counter("des.worker.fenced.commits").count()).isEqualTo(1);
    assertThat(ledger.get(job.jobId()).orElseThrow().detail()).isEqualTo("packed by newer");
  }

  @Test
  void aLapsedLeaseThatNobodyTookOverLeavesTheFailureToBeRetried() throws Exception {
    PackJob job = job(5);
    SourceMarker failing = (j, files) -> {
      throw new java.io.IOException("landing folder unreachable");
    };
    FencedLocks lapsed = wrapping(real -> new Forwarding(real) {
      @Override
      public boolean isHeld() {
        return false;
      }
    });
    JobRunner runner = new JobRunner(packer, archive, lapsed, checkpoints, ledger, Map.of(SourceKind.LANDING, failing), "w1", Duration.ofSeconds(1), meters);
    assertThatThrownBy(() -> runner.run(job)).hasMessageContaining("landing folder unreachable");
    assertThat(meters.counter("des.worker.fenced.commits").count()).isZero();
  }

  @Test
  void aRedeliveredJobWhoseSourcesAreGoneBecausePackedIsDone() throws Exception {
    PackJob job = job(6);
    SourceMarker deletesThenDies = (j, files) -> {
      new LandingSourceMarker().mark(j, files);
      throw new IllegalStateException("killed after marking, before the ledger heard");
    };
    JobRunner first = new JobRunner(packer, archive, locks, checkpoints, ledger, Map.of(SourceKind.LANDING, deletesThenDies), "w1", Duration.ofSeconds(1), meters);
    assertThatThrownBy(() -> first.run(job)).hasMessageContaining("killed after marking");
    // Even without its checkpoint (say it was saved before the pack, or lost):
    checkpoints.delete(job.jobId(), checkpoints.load(job.jobId()).orElseThrow().fence());

    assertThat(runner("w2", locks).run(job)).isEqualTo(JobRunner.Outcome.DONE);
    assertThat(ledger.get(job.jobId()).orElseThrow().detail()).contains("6 already packed").doesNotContain("rejected");
    assertThat(liveUids(job.key())).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void aFirstRunOfASmallJobSavesNoCheckpointAndItsSuccessorPacksNothingAgain() throws Exception {
    PackJob job = job(8);
    ledger.offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes()); // this run is the first
    SourceMarker dies = (j, files) -> {
      throw new IllegalStateException("killed before marking");
    };
    JobRunner first = new JobRunner(packer, archive, locks, checkpoints, ledger, Map.of(SourceKind.LANDING, dies), "w1", Duration.ofSeconds(1), meters);
    assertThatThrownBy(() -> first.run(job)).hasMessageContaining("killed before marking");
    assertThat(checkpoints.load(job.jobId())).as("one upload part, first run: nothing to resume from").isEmpty();
    CatalogState committed = archive.catalog().load(job.key());

    assertThat(runner("w2", locks).run(job)).isEqualTo(JobRunner.Outcome.DONE);
    assertThat(archive.catalog().load(job.key()).shards()).isEqualTo(committed.shards());
    assertThat(ledger.get(job.jobId()).orElseThrow().detail()).contains("0 packed, 8 already packed");
    assertThat(job.files()).allMatch(f -> !Files.exists(Path.of(f.location())));
    assertThat(checkpoints.load(job.jobId())).as("the takeover's checkpoint, deleted when done").isEmpty();
  }

  @Test
  void aJobFromASourceThisWorkerCannotMarkIsRefusedBeforePacking() throws Exception {
    PackJob landing = job(4);
    PackJob fromDatabase = new PackJob(landing.jobId(), landing.key(), 8, SourceKind.DATABASE, landing.files());
    assertThatThrownBy(() -> runner("w1", locks).run(fromDatabase))
        .isInstanceOf(UnpackableJobException.class)
        .hasMessageContaining("set des.database.url");
    assertThat(liveUids(landing.key())).isEmpty();
  }
}
