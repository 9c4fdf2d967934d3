package io.des.coordinator;

import io.des.coord.JobCounts;
import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.coord.LeaderElection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Campaigns for leadership once the app is ready; while leading, scans every source every interval
 * (a failing source does not stop the others). Keeps what the status endpoint and the metrics show:
 * each source's last scan, the ledger's counts, the lag.
 */
@Component
class Leadership {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final LeaderElection election;
  private final List<Planner> planners;
  private final JobLedger ledger;
  private final MeterRegistry meters;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Planner.ScanReport> lastScans = new ConcurrentHashMap<>();
  private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
  private final AtomicReference<JobCounts> counts = new AtomicReference<>(new JobCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  private volatile String lastError;
  private final Throughput throughput = new Throughput(Duration.ofMinutes(5));
  /** Workers running a job at the last tick: read from Redis once a tick, not at every scrape. */
  private final java.util.concurrent.atomic.AtomicLong activeWorkers = new java.util.concurrent.atomic.AtomicLong();

  private final StrandedJobs stranded;
  private final int queueTarget;
  /** Set on election: the new leader first releases what a previous one left offered but unpublished. */
  private volatile boolean newTerm;
  private final Duration scanInterval;
  /** When the last tick ended, in nanoTime; and whether its scans published nothing. */
  private long lastTickEnded = System.nanoTime();
  private boolean idle = true;

  @org.springframework.beans.factory.annotation.Autowired
  Leadership(LeaderElection election, ObjectProvider<Planner> planners, JobLedger ledger, StrandedJobs stranded, MeterRegistry meters,
      CoordinatorProperties properties) {
    this(election, planners, ledger, stranded, meters, properties.coordinator().queueTarget(), properties.coordinator().scanInterval());
  }

  /**
   * @param queueTarget while at least this many jobs are pending (published, not taken), the
   *     sources are not scanned: the workers have work queued, and a scan reads the whole source
   *     only to find its keys busy
   * @param scanInterval the pause between two ticks, unless something lands while the leader is idle
   */
  Leadership(LeaderElection election, ObjectProvider<Planner> planners, JobLedger ledger, StrandedJobs stranded, MeterRegistry meters,
      int queueTarget, Duration scanInterval) {
    this.queueTarget = queueTarget;
    this.scanInterval = scanInterval;
    this.election = election;
    this.stranded = stranded;
    this.planners = planners.orderedStream().toList();
    if (this.planners.isEmpty()) {
      throw new IllegalStateException("No source to pack from: set des.coordinator.landing (a landing folder), "
          + "des.landing.store (an S3 prefix laid out as one), des.database.url (a table of file records), or several");
    }
    this.ledger = ledger;
    this.meters = meters;
    Gauge.builder("des.coordinator.leader", election, e -> e.isLeader() ? 1 : 0).description("1 while this coordinator leads").register(meters);
    Gauge.builder("des.packer.queue.depth", counts, c -> c.get().pendingJobs()).description("Jobs published and not yet taken").register(meters);
    Gauge.builder("des.packer.active.workers", activeWorkers, java.util.concurrent.atomic.AtomicLong::get)
        .description("Workers running a job, as of the coordinator's last tick").register(meters);
    Gauge.builder("des.packer.lag", this, l -> l.lagSeconds()).baseUnit("seconds").description("Age of the oldest file waiting to be packed").register(meters);
    for (Planner p : this.planners) {
      String source = p.source().name();
      Gauge.builder("des.coordinator.pending.files", lastScans, m -> pending(m.get(source))).tag("source", source)
          .description("Records the source's last scan read, valid or not").register(meters);
      Gauge.builder("des.coordinator.scan.problems", lastScans, m -> problems(m.get(source))).tag("source", source)
          .description("Invalid records the source's last scan read").register(meters);
    }
    for (JobState state : JobState.values()) {
      Gauge.builder("des.packer.jobs", counts, c -> jobs(c.get(), state)).tag("state", state.name().toLowerCase()).register(meters);
      Gauge.builder("des.packer.files", counts, c -> files(c.get(), state)).tag("state", state.name().toLowerCase()).register(meters);
      Gauge.builder("des.packer.bytes", counts, c -> bytes(c.get(), state)).tag("state", state.name().toLowerCase()).baseUnit("bytes").register(meters);
    }
  }

  @EventListener(ApplicationReadyEvent.class)
  void campaign() {
    election.start(new LeaderElection.Listener() {
      @Override
      public void elected(long term) {
        newTerm = true;
        log.info("Elected leader, term {}", term);
      }

      @Override
      public void revoked(long term) {
        log.warn("No longer the leader (term {} ended)", term);
      }
    });
  }

  /**
   * Ticks every {@code des.coordinator.scan-interval}, or at once when a source says something
   * landed while the last tick had nothing to publish: an idle fleet starts on a drop within a
   * quarter of a second instead of up to an interval later. A busy one keeps to the interval (and
   * to the queue target), so a steady trickle of landing files does not make it walk its sources
   * over and over.
   */
  @Scheduled(fixedDelay = 250, initialDelayString = "${des.coordinator.scan-interval:2s}")
  void poll() {
    boolean landed = false;
    for (Planner planner : planners) {
      landed |= planner.source().landed(); // every source's signal is taken, so none is left stale
    }
    if ((landed && idle) || System.nanoTime() - lastTickEnded >= scanInterval.toNanos()) {
      tick();
      lastTickEnded = System.nanoTime();
    }
  }

  void tick() {
    idle = true;
    try {
      counts.set(ledger.counts());
      activeWorkers.set(runningWorkers());
      throughput.record(clock.instant(), counts.get().doneBytes(), counts.get().doneFiles());
      lastError = null;
    } catch (Exception e) {
      lastError = e.toString();
      log.error("Reading the ledger failed: {}", e.toString(), e);
      return;
    }
    if (newTerm) {
      try {
        meters.counter("des.coordinator.stranded.jobs").increment(stranded.release());
        newTerm = false;
      } catch (Exception e) {
        log.error("Looking for jobs a previous leader left unpublished failed; retried next tick: {}", e.toString(), e);
        return;
      }
    }
    if (counts.get().pendingJobs() >= queueTarget) {
      // Backpressure: the queue is deep enough. A scan walks the whole source (100,000 files took a
      // third of a core every 2 s, CPU the workers need) and would find the keys with work busy.
      meters.counter("des.coordinator.scans.skipped").increment();
      idle = false;
      return;
    }
    for (Planner planner : planners) {
      if (!election.isLeader()) {
        return;
      }
      scan(planner);
    }
  }

  private void scan(Planner planner) {
    String source = planner.source().name();
    try {
      Planner.ScanReport report = Timer.builder("des.coordinator.scan").tag("source", source).register(meters)
          .recordCallable(() -> planner.scan(election::isLeader));
      lastScans.put(source, report);
      if (report.published() > 0) {
        idle = false;
        log.info("Scan of {}: {} files waiting in {} keys ({} busy), {} jobs published; source read in {} ms, scan took {} ms",
            source, report.filesSeen(), report.keys(), report.busyKeys(), report.published(), report.read().toMillis(), report.took().toMillis());
      }
      meters.counter("des.coordinator.jobs.published", "source", source).increment(report.published());
      meters.counter("des.coordinator.file.problems", "source", source).increment(report.problems().size());
      lastErrors.remove(source);
    } catch (Exception e) {
      lastErrors.put(source, e.toString());
      log.error("Scan of the {} source failed: {}", source, e.toString(), e);
    }
  }

  private static double pending(Planner.ScanReport r) {
    return r == null ? 0 : r.pending();
  }

  private static double problems(Planner.ScanReport r) {
    return r == null ? 0 : r.problems().size();
  }

  private long runningWorkers() {
    return ledger.list(JobState.RUNNING, 10_000).stream().map(JobRecord::worker).distinct().count();
  }

  /** The age of the oldest file waiting in any source. */
  double lagSeconds() {
    return lastScans.values().stream().map(Planner.ScanReport::oldest).filter(Objects::nonNull)
        .mapToDouble(oldest -> Duration.between(oldest, clock.instant()).toMillis() / 1000.0).max().orElse(0);
  }

  /** The status endpoint's body. */
  Map<String, Object> status() {
    JobCounts c = liveCounts();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("leader", election.isLeader());
    s.put("term", election.term());
    s.put("jobs", Map.of("pending", c.pendingJobs(), "running", c.runningJobs(), "done", c.doneJobs(), "failed", c.failedJobs()));
    s.put("files", Map.of("pending", c.pendingFiles(), "running", c.runningFiles(), "packed", c.doneFiles(), "failed", c.failedFiles()));
    s.put("bytes", Map.of("pending", c.pendingBytes(), "running", c.runningBytes(), "packed", c.doneBytes(), "failed", c.failedBytes()));
    long waitingBytes = c.pendingBytes() + c.runningBytes();
    long seenBytes = 0;
    Map<String, Object> sources = new LinkedHashMap<>();
    for (Planner planner : planners) {
      String name = planner.source().name();
      Map<String, Object> source = new LinkedHashMap<>(planner.source().describe());
      Planner.ScanReport r = lastScans.get(name);
      if (r != null) {
        source.put("last_scan", scanStatus(r));
        seenBytes += r.bytesSeen();
      }
      if (lastErrors.containsKey(name)) {
        source.put("last_error", lastErrors.get(name));
      }
      sources.put(name, source);
    }
    s.put("sources", sources);
    waitingBytes = Math.max(waitingBytes, seenBytes);
    s.put("lag_seconds", lagSeconds());
    double rate = throughput.bytesPerSecond();
    s.put("packed_bytes_per_second", rate);
    s.put("eta_seconds", rate > 0 ? Math.round(waitingBytes / rate) : null);
    s.put("workers", ledger.list(JobState.RUNNING, 1000).stream()
        .map(j -> Map.of("worker", j.worker(), "job", j.jobId(), "files", j.files(), "since", j.since().toString()))
        .toList());
    if (lastError != null) {
      s.put("last_error", lastError);
    }
    return s;
  }

  /** The ledger's counts now (one small read), or as of the last tick if the ledger cannot be read. */
  private JobCounts liveCounts() {
    try {
      return ledger.counts();
    } catch (RuntimeException e) {
      return counts.get();
    }
  }

  private static Map<String, Object> scanStatus(Planner.ScanReport r) {
    Map<String, Object> scan = new LinkedHashMap<>();
    scan.put("at", r.at().toString());
    scan.put("pending", r.pending());
    scan.put("files_waiting", r.filesSeen());
    scan.put("bytes_waiting", r.bytesSeen());
    scan.put("keys", r.keys());
    scan.put("published", r.published());
    scan.put("keys_busy", r.busyKeys());
    scan.put("read_ms", r.read().toMillis());
    scan.put("took_ms", r.took().toMillis());
    scan.put("problems", r.problems().size());
    scan.put("first_problems", r.problems().stream().limit(20).map(Object::toString).toList());
    return scan;
  }

  private static long jobs(JobCounts c, JobState s) {
    return switch (s) {
      case PENDING -> c.pendingJobs();
      case RUNNING -> c.runningJobs();
      case DONE -> c.doneJobs();
      case FAILED -> c.failedJobs();
    };
  }

  private static long files(JobCounts c, JobState s) {
    return switch (s) {
      case PENDING -> c.pendingFiles();
      case RUNNING -> c.runningFiles();
      case DONE -> c.doneFiles();
      case FAILED -> c.failedFiles();
    };
  }

  private static long bytes(JobCounts c, JobState s) {
    return switch (s) {
      case PENDING -> c.pendingBytes();
      case RUNNING -> c.runningBytes();
      case DONE -> c.doneBytes();
      case FAILED -> c.failedBytes();
    };
  }

  /** Packed bytes per second over a sliding window, from samples of the ledger's done counter. */
  static final class Throughput {
    private final Duration window;
    private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

    Throughput(Duration window) {
      this.window = window;
    }

    synchronized void record(Instant at, long doneBytes, long doneFiles) {
      samples.addLast(new long[] {at.toEpochMilli(), doneBytes, doneFiles});
      while (samples.size() > 2 && samples.peekFirst()[0] < at.toEpochMilli() - window.toMillis()) {
        samples.removeFirst();
      }
    }

    synchronized double bytesPerSecond() {
      if (samples.size() < 2) {
        return 0;
      }
      long[] first = samples.peekFirst(), last = samples.peekLast();
      long millis = last[0] - first[0];
      return millis <= 0 ? 0 : (last[1] - first[1]) * 1000.0 / millis;
    }
  }
}
