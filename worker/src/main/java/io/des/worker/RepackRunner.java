package io.des.worker;

import io.des.catalog.CatalogConflictException;
import io.des.coord.CheckpointStore;
import io.des.coord.FencedLease;
import io.des.coord.FencedLocks;
import io.des.coord.FencedOutException;
import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.RepackJob;
import io.des.repack.RepackListener;
import io.des.repack.RepackReport;
import io.des.repack.Repacker;
import io.des.repack.ShardRepack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one repack job: takes the shard key's lock (the one pack jobs take, so that fencing tokens
 * are comparable and a key has one writer), then lets the {@link Repacker} purge the retired
 * versions whose grace ended and repack the shards holding deleted or corrupt entries. Each phase
 * is checkpointed with the lease's fencing token, so a worker that lost its lease is refused at its
 * next phase, and the catalog refuses its swap in any case. The repacker works out what to do from
 * the store, so a job that runs twice, or after a crash in any phase, does only what is left.
 */
final class RepackRunner {
  private static final Logger log = LoggerFactory.getLogger(RepackRunner.class);

  enum Outcome {
    DONE,
    ALREADY_DONE,
    FENCED
  }

  private final Repacker repacker;
  private final FencedLocks locks;
  private final CheckpointStore checkpoints;
  private final JobLedger ledger;
  private final String workerId;
  private final Duration lockWait;
  private final MeterRegistry meters;

  RepackRunner(Repacker repacker, FencedLocks locks, CheckpointStore checkpoints, JobLedger ledger, String workerId, Duration lockWait,
      MeterRegistry meters) {
    this.repacker = repacker;
    this.locks = locks;
    this.checkpoints = checkpoints;
    this.ledger = ledger;
    this.workerId = workerId;
    this.lockWait = lockWait;
    this.meters = meters;
  }

  Outcome run(RepackJob job) throws IOException, KeyBusyException {
    Optional<JobRecord> known = ledger.get(job.jobId());
    if (known.isPresent() && known.get().state() == JobState.DONE) {
      count("already_done");
      return Outcome.ALREADY_DONE;
    }
    Timer.Sample sample = Timer.start(meters);
    try (FencedLease lease = locks.tryAcquire(JobRunner.lockName(job.key()), lockWait)
        .orElseThrow(() -> new KeyBusyException(job.key().toString(), lockWait))) {
      long fence = lease.token();
      ledger.running(job.jobId(), job.key().toString(), job.shards().size(), 0, workerId);
      RepackListener phases = (key, shard, phase) -> save(job, fence, shard, phase);
      RepackReport report = repacker.run(job.key(), fence, Set.copyOf(job.corrupt()), phases);
      record(report);
      if (!report.purged().heldBack().isEmpty()) {
        // Not done: the ledger would keep this job's id as done and the scheduler, offering the same
        // job, would never send it again. Failing sends it back through the retries.
        throw new IOException("Repack job " + job.jobId() + " of " + job.key() + " kept version(s) due for purge, retried: "
            + String.join("; ", report.purged().heldBack()));
      }
      ledger.done(job.jobId(), summary(report));
      checkpoints.delete(job.jobId(), fence);
      count("done");
      sample.stop(meters.timer("des.repack.job.duration", "outcome", "done"));
      log.info("Repack job {} ({}): {}", job.jobId(), String.join(", ", job.reasons()), summary(report));
      return Outcome.DONE;
    } catch (CatalogConflictException | FencedOutException fenced) {
      log.warn("Repack job {} fenced out: {}", job.jobId(), fenced.getMessage());
      meters.counter("des.worker.fenced.commits").increment();
      count("fenced");
      return Outcome.FENCED;
    }
  }

  private void save(RepackJob job, long fence, String shard, RepackListener.Phase phase) {
    String state = "{\"shard\":\"" + shard + "\",\"phase\":\"" + phase.name() + "\"}";
    checkpoints.save(job.jobId(), fence, state.getBytes(StandardCharsets.UTF_8));
    meters.counter("des.repack.phases", "phase", phase.name().toLowerCase()).increment();
  }

  private void record(RepackReport report) {
    for (ShardRepack r : report.repacked()) {
      meters.counter("des.repack.entries.dropped", "why", "deleted").increment(r.dropped());
      meters.counter("des.repack.entries.dropped", "why", "corrupt").increment(r.corruptDropped());
      meters.counter("des.repack.entries.repaired").increment(r.repaired());
    }
    Counter.builder("des.repack.space.saved").baseUnit("bytes").description("Bytes the repacks removed from the store")
        .register(meters).increment(Math.max(0, report.spaceSavedBytes()));
    meters.counter("des.repack.versions.purged").increment(report.purged().deleted().size());
    meters.counter("des.erasures.recorded").increment(report.purged().erasureRecords());
    meters.counter("des.repack.versions.held.back").increment(report.purged().heldBack().size());
  }

  private void count(String outcome) {
    meters.counter("des.repack.jobs", "outcome", outcome).increment();
  }

  private static String summary(RepackReport report) {
    StringBuilder s = new StringBuilder();
    for (ShardRepack r : report.repacked()) {
      s.append(r.from()).append(" -> ").append(r.to() == null ? "(emptied)" : r.to())
          .append(" kept ").append(r.kept()).append(", dropped ").append(r.dropped())
          .append(r.corruptDropped() > 0 ? ", corrupt " + r.corruptDropped() : "").append("; ");
    }
    s.append("purged ").append(report.purged().deleted().size()).append(" version(s), ")
        .append(report.purged().erasureRecords()).append(" erasure record(s)");
    return s.toString();
  }
}
