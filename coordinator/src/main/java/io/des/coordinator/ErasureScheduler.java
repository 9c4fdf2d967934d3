package io.des.coordinator;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.RetiredShard;
import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.coord.LeaderElection;
import io.des.job.RepackJob;
import io.des.job.RepackJobCodec;
import io.des.repack.RepackPlan;
import io.des.repack.Repacker;
import io.des.repack.ShardPlan;
import io.des.routing.ShardKey;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps the erasure promise: reads the pending tombstones (and the shards verification found
 * corrupt), asks the repacker what each affected key needs, and publishes a repack job for a key
 * when one of its shards passed the deleted-ratio threshold, when a tombstone's erasure deadline is
 * near, when a shard is corrupt, or when a retired version's grace period has ended. Also keeps the
 * numbers the 48-hour alert rests on: tombstones pending and the age of the oldest.
 */
final class ErasureScheduler {
  private static final Logger log = LoggerFactory.getLogger(ErasureScheduler.class);

  /** What one scan saw and did. */
  record ScanReport(Instant at, long pending, long overdue, Instant oldestPending, int keys, int published, int alreadyKnown,
      Duration took) {}

  /** Pending tombstones of one key. */
  private static final class KeyTombstones {
    long count;
    Instant oldestDeleted = Instant.MAX;
    Instant earliestEraseBy = Instant.MAX;

    void add(Tombstone t) {
      count++;
      oldestDeleted = min(oldestDeleted, t.deletedAt());
      earliestEraseBy = min(earliestEraseBy, t.eraseBy());
    }
  }

  private final LeaderElection election;
  private final Archive archive;
  private final Repacker repacker;
  private final Function<String, Stream<String>> corruptShards;
  private final JobLedger ledger;
  private final KafkaTemplate<String, byte[]> kafka;
  private final String topic;
  private final double deletedRatio;
  private final Duration deadlineMargin;
  private final Duration retryFailedAfter;
  private final Clock clock;
  private final AtomicReference<ScanReport> last = new AtomicReference<>();

  /**
   * @param corruptShards the names of the shards a verification found corrupt, under a prefix of
   *     {@code _verify/} (empty when verification results are not used)
   * @param deletedRatio a shard is repacked once this share of its entries is deleted
   * @param deadlineMargin a key is repacked once a tombstone's erasure deadline is this close,
   *     whatever the ratio
   * @param retryFailedAfter how long after a repack job failed (went to the dead-letter topic) it
   *     is sent again, as a new job
   */
  ErasureScheduler(LeaderElection election, Archive archive, Repacker repacker, Function<String, Stream<String>> corruptShards,
      JobLedger ledger, KafkaTemplate<String, byte[]> kafka, String topic, double deletedRatio, Duration deadlineMargin,
      Duration retryFailedAfter, Clock clock, MeterRegistry meters) {
    this.election = election;
    this.archive = archive;
    this.repacker = repacker;
    this.corruptShards = corruptShards;
    this.ledger = ledger;
    this.kafka = kafka;
    this.topic = topic;
    this.deletedRatio = deletedRatio;
    this.deadlineMargin = deadlineMargin;
    this.retryFailedAfter = retryFailedAfter;
    this.clock = clock;
    Gauge.builder("des.tombstones.pending", last, r -> r.get() == null ? 0 : r.get().pending())
        .description("Tombstones whose file's bytes are not yet erased").register(meters);
    Gauge.builder("des.tombstones.overdue", last, r -> r.get() == null ? 0 : r.get().overdue())
        .description("Pending tombstones past their erasure deadline").register(meters);
    Gauge.builder("des.tombstone.oldest.pending.age", this, s -> s.oldestPendingAgeSeconds()).baseUnit("seconds")
        .description("Age of the oldest tombstone whose file's bytes are not yet erased (the 48-hour alert)").register(meters);
  }

  @Scheduled(fixedDelayString = "${des.repack.scan-interval:30s}", initialDelayString = "${des.repack.scan-interval:30s}")
  void tick() {
    if (!election.isLeader()) {
      return;
    }
    try {
      ScanReport r = scan(election::isLeader);
      if (r.published() > 0 || r.overdue() > 0) {
        log.info("Erasure scan: {} tombstone(s) pending ({} overdue) in {} key(s); {} repack job(s) published",
            r.pending(), r.overdue(), r.keys(), r.published());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.error("Erasure scan failed; retried next interval: {}", e.toString(), e);
    }
  }

  ScanReport lastScan() {
    return last.get();
  }

  double oldestPendingAgeSeconds() {
    ScanReport r = last.get();
    if (r == null || r.oldestPending() == null) {
      return 0;
    }
    return Math.max(0, Duration.between(r.oldestPending(), clock.instant()).toMillis() / 1000.0);
  }

  /** One pass over the pending tombstones and the corrupt shards. */
  ScanReport scan(BooleanSupplier leading) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Instant now = clock.instant();
    Map<ShardKey, KeyTombstones> byKey = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    long pending = 0, overdue = 0;
    Instant oldest = null;
    try (Stream<TombstoneStore.Status> statuses = archive.tombstones().statuses("", true)) {
      for (TombstoneStore.Status s : (Iterable<TombstoneStore.Status>) statuses::iterator) {
        Tombstone t = s.tombstone();
        byKey.computeIfAbsent(t.key(), k -> new KeyTombstones()).add(t);
        pending++;
        overdue += t.eraseBy().isBefore(now) ? 1 : 0;
        oldest = oldest == null ? t.deletedAt() : min(oldest, t.deletedAt());
      }
    }
    Map<ShardKey, Set<String>> corrupt = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    try (Stream<String> names = corruptShards.apply("")) {
      names.forEach(name -> io.des.catalog.ShardName.parse(name)
          .ifPresent(n -> corrupt.computeIfAbsent(n.key(), k -> new LinkedHashSet<>()).add(name)));
    }
    Set<ShardKey> keys = new LinkedHashSet<>(byKey.keySet());
    keys.addAll(corrupt.keySet());
    int published = 0, known = 0;
    for (ShardKey key : keys) {
      if (!leading.getAsBoolean()) {
        log.warn("No longer the leader: stopping this erasure scan");
        break;
      }
      KeyTombstones tombstones = byKey.get(key);
      RepackJob job = decide(key, tombstones == null ? null : tombstones.earliestEraseBy, corrupt.getOrDefault(key, Set.of()), now);
      if (job == null) {
        continue;
      }
      job = afterFailures(job, now);
      if (job == null) {
        known++;
        continue;
      }
      long tombstoned = byKey.containsKey(key) ? byKey.get(key).count : 0;
      if (!ledger.offer(job.jobId(), key.toString(), tombstoned, 0)) {
        known++;
        continue;
      }
      publish(job);
      published++;
    }
    ScanReport report = new ScanReport(now, pending, overdue, oldest, keys.size(), published, known, Duration.ofNanos(System.nanoTime() - start));
    last.set(report);
    return report;
  }

  /**
   * The job a key needs now, or null.
   *
   * @param earliestEraseBy the nearest erasure deadline of the key's pending tombstones, or null
   * @param corruptNames shards of the key a verification found corrupt (live or not)
   */
  RepackJob decide(ShardKey key, Instant earliestEraseBy, Set<String> corruptNames, Instant now) throws IOException {
    RepackPlan plan = repacker.plan(key);
    List<String> reasons = new ArrayList<>();
    List<String> shards = new ArrayList<>();
    boolean deadlineNear = earliestEraseBy != null && !earliestEraseBy.minus(deadlineMargin).isAfter(now);
    for (ShardPlan shard : plan.shards()) {
      if (shard.tombstoned() == 0) {
        continue;
      }
      if (shard.deletedRatio() >= deletedRatio) {
        addOnce(reasons, "deleted_ratio");
        shards.add(shard.shard());
      } else if (deadlineNear) {
        addOnce(reasons, "erasure_deadline");
        shards.add(shard.shard());
      }
    }
    List<String> corrupt = new ArrayList<>();
    CatalogState catalog = corruptNames.isEmpty() ? null : archive.catalog().load(key); // only then needed
    for (String name : corruptNames) {
      if (catalog.contains(name)) { // still live
        corrupt.add(name);
        addOnce(reasons, "corruption");
      }
    }
    List<String> purge = new ArrayList<>(plan.purgeDue().stream().map(RetiredShard::name).toList());
    purge.addAll(plan.orphansDue()); // a crashed writer's shard: the purge deletes it
    if (!purge.isEmpty()) {
      addOnce(reasons, "purge");
    }
    if (reasons.isEmpty()) {
      return null;
    }
    return RepackJob.of(key, shards, corrupt, purge, reasons);
  }

  /** Retries of a job that keeps failing, before it is left to the overdue alert. */
  static final int MAX_RETRIES = 10;

  /**
   * The job to offer for {@code job}: itself, or, when it FAILED (the ledger keeps a failed id, so
   * offering it again would do nothing for days, past the erasure deadline) at least {@code
   * retryFailedAfter} ago, its next retry, a job with the reason {@code retry_<n>} and so its own id;
   * null while the last attempt failed too recently, or after {@link #MAX_RETRIES} failed retries.
   */
  RepackJob afterFailures(RepackJob job, Instant now) {
    for (int attempt = 0; attempt <= MAX_RETRIES; attempt++) {
      RepackJob candidate = attempt == 0 ? job : job.withReason("retry_" + attempt);
      Optional<JobRecord> record = ledger.get(candidate.jobId());
      if (record.isEmpty() || record.get().state() != JobState.FAILED) {
        return candidate;
      }
      if (Duration.between(record.get().since(), now).compareTo(retryFailedAfter) < 0) {
        return null;
      }
    }
    log.error("Repack of {} failed {} times; left to the overdue-tombstone alert", job.key(), MAX_RETRIES + 1);
    return null;
  }

  private void publish(RepackJob job) throws InterruptedException, IOException {
    new JobPublisher(kafka, ledger).publish(topic, job.key().toString(), job.jobId(), RepackJobCodec.write(job));
    log.info("Published {} ({})", job.jobId(), String.join(", ", job.reasons()));
  }

  private static void addOnce(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
