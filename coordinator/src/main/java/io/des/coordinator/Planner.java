package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobCodec;
import io.des.job.JobFile;
import io.des.job.JobPlanner;
import io.des.job.PackJob;
import io.des.pack.InputProblem;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * One scan of one source: reads its pending files, groups them by shard key, and for every key that
 * has no job pending or running publishes the next job (one at a time per key: a key's jobs run one
 * after another anyway, under its lock). Job ids come from the content, and the ledger records each
 * id once, so a restarted or newly elected coordinator re-plans the same jobs and publishes none
 * of them twice. Before each publish it checks that it still leads; a deposed leader stops.
 */
final class Planner {
  private static final Logger log = LoggerFactory.getLogger(Planner.class);
  private static final int ACTIVE_LIMIT = 1_000_000;

  private final FileSource source;
  private final JobLedger ledger;
  private final KafkaTemplate<String, byte[]> kafka;
  private final String topic;
  private final JobPlanner jobs;
  private final Router router;
  private final int maxFilesPerScan;
  private final Clock clock;

  Planner(FileSource source, JobLedger ledger, KafkaTemplate<String, byte[]> kafka, String topic, JobPlanner jobs,
      Router router, int maxFilesPerScan, Clock clock) {
    this.source = source;
    this.ledger = ledger;
    this.kafka = kafka;
    this.topic = topic;
    this.jobs = jobs;
    this.router = router;
    this.maxFilesPerScan = maxFilesPerScan;
    this.clock = clock;
  }

  FileSource source() {
    return source;
  }

  /**
   * What one scan saw and did.
   *
   * @param filesSeen valid files waiting
   * @param pending records the scan read, valid or not (files seen plus the source's problems)
   * @param oldest created_at of the oldest unpacked file, or null when none is waiting
   */
  record ScanReport(String source, Instant at, long filesSeen, long pending, long bytesSeen, int keys, int published,
      int alreadyKnown, int busyKeys, List<InputProblem> problems, Instant oldest, Duration took) {}

  ScanReport scan(BooleanSupplier leading) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Instant at = clock.instant();
    // Active keys first: a job that finishes during the scan has marked its sources before it is
    // recorded done, so its key is either skipped here or its files are already gone from the scan.
    Set<String> active = activeKeys();
    FileSource.Scan scan = source.scan(maxFilesPerScan);
    List<InputProblem> problems = new ArrayList<>(scan.problems());
    long pending = scan.files().size() + scan.problems().size();
    Map<ShardKey, List<JobFile>> byKey = new TreeMap<>(Comparator.comparing(ShardKey::toString));
    long bytes = 0;
    for (JobFile f : scan.files()) {
      byKey.computeIfAbsent(router.route(f.uid(), f.createdAt()), k -> new ArrayList<>()).add(f);
      bytes += f.size();
    }
    int published = 0, known = 0, busy = 0;
    for (Map.Entry<ShardKey, List<JobFile>> e : byKey.entrySet()) {
      if (active.contains(e.getKey().toString())) {
        busy++;
        continue;
      }
      List<JobFile> files = withoutDuplicates(e.getValue(), problems);
      PackJob job = jobs.plan(e.getKey(), files).get(0);
      if (!leading.getAsBoolean()) {
        log.warn("No longer the leader: stopping this scan before publishing {}", job.jobId());
        break;
      }
      if (!ledger.offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes())) {
        known++;
        continue;
      }
      publish(job);
      published++;
    }
    return new ScanReport(source.name(), at, scan.files().size(), pending, bytes, byKey.size(), published, known, busy, problems, scan.oldest(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  private void publish(PackJob job) throws InterruptedException, IOException {
    new JobPublisher(kafka, ledger).publish(topic, job.key().toString(), job.jobId(), JobCodec.write(job));
  }

  /** Keys with a job pending or running: their next job waits for it. */
  private Set<String> activeKeys() {
    Set<String> keys = new HashSet<>();
    for (JobState state : List.of(JobState.PENDING, JobState.RUNNING)) {
      for (JobRecord r : ledger.list(state, ACTIVE_LIMIT)) {
        keys.add(r.shardKey());
      }
    }
    return keys;
  }

  /** The first file of a uid wins; the others are problems (a shard holds each uid once). */
  private static List<JobFile> withoutDuplicates(List<JobFile> files, List<InputProblem> problems) {
    files.sort(Comparator.comparing(JobFile::uid).thenComparing(JobFile::location));
    List<JobFile> unique = new ArrayList<>(files.size());
    for (JobFile f : files) {
      if (!unique.isEmpty() && unique.get(unique.size() - 1).uid().equals(f.uid())) {
        problems.add(new InputProblem(f.location(), "duplicate uid '" + f.uid() + "' (also " + unique.get(unique.size() - 1).location() + ")"));
      } else {
        unique.add(f);
      }
    }
    return unique;
  }
}
