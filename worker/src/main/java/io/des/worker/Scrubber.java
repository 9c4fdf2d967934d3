package io.des.worker;

import io.des.archive.Archive;
import io.des.catalog.ArchiveKeys;
import io.des.coord.Checkpoint;
import io.des.coord.CheckpointStore;
import io.des.coord.FencedLease;
import io.des.coord.FencedLocks;
import io.des.coord.FencedOutException;
import io.des.format.ShardVerifier;
import io.des.routing.ShardKey;
import io.des.verify.BulkVerifier;
import io.des.verify.VerificationListener;
import io.des.verify.VerificationStore;
import io.des.verify.VerifyScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The fleet's background verification (a deep scrub): each run, on whichever worker takes the
 * fleet-wide lock {@value #LOCK} first (the others skip the run), verifies the live shards of the
 * keys after the saved cursor until at least {@code shardsPerRun} shards are checked, records every
 * result in the {@link VerificationStore} (where the coordinator finds the failures and publishes
 * repack jobs), and saves the cursor with the lease's fencing token. The keys are streamed from
 * {@link ArchiveKeys#after}, so memory holds one run's keys, never the archive's. A run that reaches
 * the last key ends the pass; the next run starts over from the first key.
 *
 * <p>It takes no key locks (shards are immutable) and runs on the scheduler's thread, so packing and
 * repacking go on beside it; a shard a repack retires while it is checked is skipped, not recorded
 * as corrupt.
 */
class Scrubber {
  static final String LOCK = "scrub";
  static final String CHECKPOINT = "scrub";
  private static final Logger log = LoggerFactory.getLogger(Scrubber.class);

  enum Outcome {
    DONE,
    SKIPPED,
    FAILED
  }

  private final Archive archive;
  private final VerificationStore records;
  private final FencedLocks locks;
  private final CheckpointStore checkpoints;
  private final int shardsPerRun;
  private final int parallel;
  private final Clock clock;
  private final MeterRegistry meters;
  private final AtomicReference<ScrubCursor> seen = new AtomicReference<>();

  Scrubber(Archive archive, VerificationStore records, FencedLocks locks, CheckpointStore checkpoints, int shardsPerRun, int parallel,
      Clock clock, MeterRegistry meters) {
    if (shardsPerRun < 1) {
      throw new IllegalArgumentException("des.scrub.shards-per-run must be at least 1, got " + shardsPerRun);
    }
    this.archive = archive;
    this.records = records;
    this.locks = locks;
    this.checkpoints = checkpoints;
    this.shardsPerRun = shardsPerRun;
    this.parallel = parallel;
    this.clock = clock;
    this.meters = meters;
    Gauge.builder("des.shard.corruption.rate", seen, s -> s.get() == null ? Double.NaN : s.get().corruptionRate())
        .description("Corrupt over verified shards in the fleet's last completed scrub pass (the current pass until one completes)")
        .register(meters);
    Gauge.builder("des.scrub.last.pass", seen, s -> s.get() == null || !s.get().passCompleted() ? Double.NaN : s.get().lastPassSeconds())
        .baseUnit("seconds").description("How long the fleet's last completed scrub pass over the archive took").register(meters);
  }

  /** The scheduled run: never throws, so that one failure does not stop the next runs. */
  @Scheduled(fixedDelayString = "${des.scrub.interval:30s}", initialDelayString = "${des.scrub.interval:30s}")
  void scheduled() {
    try {
      run();
    } catch (RuntimeException e) {
      log.warn("Scrub run failed", e);
    }
  }

  /** One run; see the class comment. */
  Outcome run() {
    FencedLease lease;
    try {
      lease = locks.tryAcquire(LOCK, Duration.ZERO).orElse(null);
    } catch (RuntimeException e) {
      log.warn("Scrub run skipped: could not take the lock '{}': {}", LOCK, e.getMessage());
      return count(Outcome.FAILED);
    }
    if (lease == null) {
      return count(Outcome.SKIPPED); // another worker is scrubbing
    }
    try (lease) {
      ScrubCursor before = checkpoints.load(CHECKPOINT).map(Checkpoint::state).map(ScrubCursor::decode)
          .orElseGet(() -> ScrubCursor.start(clock.instant()));
      seen.set(before);
      ScrubCursor after = scrub(before);
      checkpoints.save(CHECKPOINT, lease.token(), after.encode());
      seen.set(after);
      return count(Outcome.DONE);
    } catch (FencedOutException fenced) {
      log.warn("Scrub run's cursor refused, another worker took over the lock: {}", fenced.getMessage());
      return count(Outcome.FAILED);
    } catch (IOException | RuntimeException e) {
      log.warn("Scrub run failed; the cursor stays where it was", e);
      return count(Outcome.FAILED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return count(Outcome.FAILED);
    }
  }

  private ScrubCursor scrub(ScrubCursor from) throws IOException, InterruptedException {
    ArchiveKeys keys = new ArchiveKeys(archive.store(), archive.catalog());
    List<ShardKey> batch = new ArrayList<>();
    ShardKey last = from.cursor();
    long found = 0;
    boolean end;
    try (Stream<ShardKey> next = from.cursor() == null ? keys.all() : keys.after(from.cursor())) {
      Iterator<ShardKey> it = next.iterator();
      while (found < shardsPerRun && it.hasNext()) {
        last = it.next();
        int live = archive.catalog().load(last).shards().size();
        if (live > 0) {
          batch.add(last);
          found += live;
        }
      }
      end = !it.hasNext();
    }
    BulkVerifier.Summary summary = new BulkVerifier(archive, parallel, new Metrics()).recordingTo(records, clock)
        .verify(VerifyScope.keys(batch));
    ScrubCursor advanced = from.advance(last, summary.shards(), summary.corruptShards());
    if (summary.corruptShards() > 0) {
      log.warn("Scrub found {} corrupt shard(s) of {} checked up to key {}", summary.corruptShards(), summary.shards(), last);
    }
    if (!end || last == null) {
      return advanced; // an empty archive has no passes
    }
    ScrubCursor ended = advanced.passEnded(clock.instant());
    log.info("Scrub pass over the archive done in {} s: {} shard(s) verified, {} corrupt", ended.lastPassSeconds(), ended.lastPassShards(),
        ended.lastPassCorrupt());
    return ended;
  }

  private Outcome count(Outcome outcome) {
    meters.counter("des.scrub.runs", "outcome", outcome.name().toLowerCase()).increment();
    return outcome;
  }

  /** Counts each checked shard as it is recorded (thread-safe: Micrometer's counters are). */
  private final class Metrics implements VerificationListener {
    private final Counter ok = meters.counter("des.shard.verifications", "result", "ok");
    private final Counter corrupt = meters.counter("des.shard.verifications", "result", "corrupt");
    private final Counter entries = Counter.builder("des.scrub.entries.verified")
        .description("Index entries whose content the scrubber checked and found right").register(meters);
    private final Counter bytes = Counter.builder("des.scrub.verified").baseUnit("bytes")
        .description("Bytes of shards the scrubber read and checked").register(meters);

    @Override
    public void shardChecked(ShardVerifier.Result result) {
      (result.ok() ? ok : corrupt).increment();
      entries.increment(result.verified());
      bytes.increment(Math.max(result.size(), 0));
    }
  }
}
