package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobFile;
import io.des.job.JobMessages;
import io.des.job.JobPlanner;
import io.des.job.PackJob;
import io.des.pack.InputProblem;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.routing.ShardKeys;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * One scan of one source: reads its pending files, groups them by shard key, and for every key that
 * has no job pending or running publishes the next job (one at a time per key: a key's jobs run one
 * after another anyway, under its lock). Neighbouring small jobs share a Kafka message ({@link
 * JobMessages}). Job ids come from the content, and the ledger records each
 * id once, so a restarted or newly elected coordinator re-plans the same jobs and publishes none
 * of them twice. Before each publish it checks that it still leads; a deposed leader stops.
 */
final class Planner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Planner.class);
  private static final int ACTIVE_LIMIT = 1_000_000;
  /** Jobs offered to the ledger in one call before their sends start. */
  static final int OFFERS_PER_ROUND_TRIP = 256;

  private final FileSource source;
  private final JobLedger ledger;
  private final KafkaTemplate<String, byte[]> kafka;
  private final String topic;
  private final JobPlanner jobs;
  private final JobMessages messages;
  private final Router router;
  private final int maxFilesPerScan;
  private final Clock clock;

  Planner(FileSource source, JobLedger ledger, KafkaTemplate<String, byte[]> kafka, String topic, JobPlanner jobs,
      JobMessages messages, Router router, int maxFilesPerScan, Clock clock) {
    this.source = source;
    this.ledger = ledger;
    this.kafka = kafka;
    this.topic = topic;
    this.jobs = jobs;
    this.messages = messages;
    this.router = router;
    this.maxFilesPerScan = maxFilesPerScan;
    this.clock = clock;
  }

  FileSource source() {
    return source;
  }

  /** Closes the source (Spring calls this when the app stops). */
  @Override
  public void close() throws IOException {
    source.close();
  }

  /**
   * What one scan saw and did.
   *
   * @param filesSeen valid files waiting
   * @param pending records the scan read, valid or not (files seen plus the source's problems)
   * @param oldest created_at of the oldest unpacked file, or null when none is waiting
   * @param read the part of {@code took} spent reading the source
   */
  record ScanReport(String source, Instant at, long filesSeen, long pending, long bytesSeen, int keys, int published,
      int alreadyKnown, int busyKeys, List<InputProblem> problems, Instant oldest, Duration read, Duration took) {}

  ScanReport scan(BooleanSupplier leading) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Instant at = clock.instant();
    // Active keys first: a job that finishes during the scan has marked its sources before it is
    // recorded done, so its key is either skipped here or its files are already gone from the scan.
    Set<String> active = activeKeys();
    FileSource.Scan scan = source.scan(maxFilesPerScan);
    Duration read = Duration.ofNanos(System.nanoTime() - start);
    List<InputProblem> problems = new ArrayList<>(scan.problems());
    long pending = scan.files().size() + scan.problems().size();
    // Grouped in a hash map, the keys sorted once: neighbouring keys share messages (JobMessages).
    Map<ShardKey, List<JobFile>> groups = new HashMap<>();
    ShardKeys routes = new ShardKeys(router);
    long bytes = 0;
    for (JobFile f : scan.files()) {
      groups.computeIfAbsent(routes.route(f.uid(), f.createdAt()), k -> new ArrayList<>()).add(f);
      bytes += f.size();
    }
    List<Map.Entry<ShardKey, List<JobFile>>> byKey = new ArrayList<>(groups.entrySet());
    byKey.sort(Map.Entry.comparingByKey(Comparator.comparing(ShardKey::toString)));
    int published = 0, known = 0, busy = 0;
    JobPublisher publisher = new JobPublisher(kafka, ledger);
    PartitionSpread spread = byKey.isEmpty() ? null : PartitionSpread.of(kafka, topic);
    Iterator<Map.Entry<ShardKey, List<JobFile>>> keys = byKey.iterator();
    // Offered to the ledger and not yet handed to the publisher: if the scan fails, these have no
    // message on the topic and would hold their keys until the next leader's StrandedJobs.
    Deque<PackJob> unsent = new ArrayDeque<>();
    try {
      chunks:
      while (keys.hasNext()) {
        // Planned, offered and sent a chunk at a time, so that the first jobs reach the workers
        // while the rest of a large backlog is still being planned.
        List<PackJob> chunk = new ArrayList<>(OFFERS_PER_ROUND_TRIP);
        while (keys.hasNext() && chunk.size() < OFFERS_PER_ROUND_TRIP) {
          Map.Entry<ShardKey, List<JobFile>> e = keys.next();
          if (active.contains(e.getKey().toString())) {
            busy++;
          } else {
            chunk.add(jobs.plan(e.getKey(), withoutDuplicates(e.getValue(), problems)).get(0));
          }
        }
        if (chunk.isEmpty()) {
          break;
        }
        if (!leading.getAsBoolean()) {
          log.warn("No longer the leader: stopping this scan before offering {}", chunk.get(0).jobId());
          break;
        }
        known += offer(chunk, unsent);
        for (JobMessages.Message message : messages.of(List.copyOf(unsent))) {
          if (!leading.getAsBoolean()) {
            // Offered, not published: the next leader finds these stranded and releases them
            // (StrandedJobs); withdrawing them here could race with its offers of the same ids.
            log.warn("No longer the leader: stopping this scan before publishing {}", message.jobIds().get(0));
            break chunks;
          }
          publisher.send(topic, spread.next(message.fileBytes()), message.key(), message.jobIds(), message.bytes());
          for (int i = 0; i < message.jobIds().size(); i++) {
            unsent.poll();
          }
          published += message.jobIds().size();
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // The sends already started still settle: a failed one's offer is withdrawn, not stranded.
      try {
        publisher.flush();
      } catch (IOException | RuntimeException also) {
        e.addSuppressed(also);
      }
      withdrawUnsent(unsent, leading, e);
      throw e;
    }
    publisher.flush();
    return new ScanReport(source.name(), at, scan.files().size(), pending, bytes, byKey.size(), published, known, busy, problems, scan.oldest(),
        read, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Offers the chunk in one ledger call; the jobs offered join {@code unsent}. Returns how many the ledger knew already. */
  private int offer(List<PackJob> chunk, Deque<PackJob> unsent) {
    List<Boolean> offered = ledger.offerAll(chunk.stream()
        .map(job -> new JobLedger.Offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes()))
        .toList());
    int known = 0;
    for (int i = 0; i < chunk.size(); i++) {
      if (offered.get(i)) {
        unsent.add(chunk.get(i));
      } else {
        known++;
      }
    }
    return known;
  }

  /**
   * Withdraws the offers a failed scan never sent (a send that found an earlier one failed, at the
   * in-flight limit, stops the scan before its own record goes out), so that the next scan offers
   * them again. Only while leading: a deposed leader leaves them to the next one's StrandedJobs.
   */
  private void withdrawUnsent(Deque<PackJob> unsent, BooleanSupplier leading, Exception failure) {
    if (unsent.isEmpty() || !leading.getAsBoolean()) {
      return;
    }
    for (PackJob job : unsent) {
      try {
        ledger.withdraw(job.jobId());
      } catch (RuntimeException also) {
        failure.addSuppressed(also);
        return; // the ledger is unreachable: StrandedJobs of the next leader is the fallback
      }
    }
    log.warn("Scan failed: withdrew {} offered jobs it had not published", unsent.size());
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
