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
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Campaigns for leadership once the app is ready; while leading, runs a scan every interval. Keeps
 * what the status endpoint and the metrics show: the last scan, the ledger's counts, the lag.
 */
@Component
class Leadership {
  private static final Logger log = LoggerFactory.getLogger(Leadership.class);

  private final LeaderElection election;
  private final Planner planner;
  private final JobLedger ledger;
  private final MeterRegistry meters;
  private final Clock clock = Clock.systemUTC();
  private final AtomicReference<Planner.ScanReport> lastScan = new AtomicReference<>();
  private final AtomicReference<JobCounts> counts = new AtomicReference<>(new JobCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  private final AtomicReference<Map<String, Object>> progress = new AtomicReference<>(Map.of());
  private volatile String lastError;
  private final Throughput throughput = new Throughput(Duration.ofMinutes(5));

  Leadership(LeaderElection election, Planner planner, JobLedger ledger, MeterRegistry meters) {
    this.election = election;
    this.planner = planner;
    this.ledger = ledger;
    this.meters = meters;
    Gauge.builder("des.coordinator.leader", election, e -> e.isLeader() ? 1 : 0).description("1 while this coordinator leads").register(meters);
    Gauge.builder("des.packer.queue.depth", counts, c -> c.get().pendingJobs()).description("Jobs published and not yet taken").register(meters);
    Gauge.builder("des.packer.active.workers", this, l -> l.activeWorkers()).description("Workers running a job").register(meters);
    Gauge.builder("des.packer.lag", this, l -> l.lagSeconds()).baseUnit("seconds").description("Age of the oldest file waiting to be packed").register(meters);
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
        log.info("Elected leader, term {}", term);
      }

      @Override
      public void revoked(long term) {
        log.warn("No longer the leader (term {} ended)", term);
      }
    });
  }

  @Scheduled(fixedDelayString = "${des.coordinator.scan-interval:2s}", initialDelayString = "${des.coordinator.scan-interval:2s}")
  void tick() {
    try {
      counts.set(ledger.counts());
      throughput.record(clock.instant(), counts.get().doneBytes(), counts.get().doneFiles());
      if (!election.isLeader()) {
        return;
      }
      Planner.ScanReport report = Timer.builder("des.coordinator.scan").register(meters).recordCallable(() -> planner.scan(election::isLeader));
      lastScan.set(report);
      meters.counter("des.coordinator.jobs.published").increment(report.published());
      if (!report.problems().isEmpty()) {
        meters.counter("des.coordinator.file.problems").increment(report.problems().size());
      }
      lastError = null;
    } catch (Exception e) {
      lastError = e.toString();
      log.error("Scan failed: {}", e.toString(), e);
    }
  }

  long activeWorkers() {
    return ledger.list(JobState.RUNNING, 10_000).stream().map(JobRecord::worker).distinct().count();
  }

  double lagSeconds() {
    Planner.ScanReport r = lastScan.get();
    return r == null || r.oldest() == null ? 0 : Duration.between(r.oldest(), clock.instant()).toMillis() / 1000.0;
  }

  /** The status endpoint's body. */
  Map<String, Object> status() {
    JobCounts c = counts.get();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("leader", election.isLeader());
    s.put("term", election.term());
    s.put("jobs", Map.of("pending", c.pendingJobs(), "running", c.runningJobs(), "done", c.doneJobs(), "failed", c.failedJobs()));
    s.put("files", Map.of("pending", c.pendingFiles(), "running", c.runningFiles(), "packed", c.doneFiles(), "failed", c.failedFiles()));
    s.put("bytes", Map.of("pending", c.pendingBytes(), "running", c.runningBytes(), "packed", c.doneBytes(), "failed", c.failedBytes()));
    Planner.ScanReport r = lastScan.get();
    long waitingBytes = c.pendingBytes() + c.runningBytes();
    if (r != null) {
      Map<String, Object> scan = new LinkedHashMap<>();
      scan.put("at", r.at().toString());
      scan.put("files_waiting", r.filesSeen());
      scan.put("bytes_waiting", r.bytesSeen());
      scan.put("keys", r.keys());
      scan.put("published", r.published());
      scan.put("keys_busy", r.busyKeys());
      scan.put("took_ms", r.took().toMillis());
      scan.put("problems", r.problems().size());
      scan.put("first_problems", r.problems().stream().limit(20).map(Object::toString).toList());
      s.put("last_scan", scan);
      waitingBytes = Math.max(waitingBytes, r.bytesSeen());
    }
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
