package io.des.worker;

import io.des.archive.Archive;
import io.des.catalog.CatalogConflictException;
import io.des.coord.Checkpoint;
import io.des.coord.CheckpointStore;
import io.des.coord.FencedLease;
import io.des.coord.FencedLocks;
import io.des.coord.FencedOutException;
import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobFile;
import io.des.job.PackJob;
import io.des.pack.InputProblem;
import io.des.pack.InvalidInputException;
import io.des.pack.PackReport;
import io.des.pack.ResumablePacker;
import io.des.pack.SourceFile;
import io.des.storage.UploadNotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pack job: takes the shard key's fenced lock, packs what is not packed yet, checkpoints,
 * marks the sources, and records the job done. Every step is safe to repeat, so a job delivered
 * twice, or resumed by another worker after a crash at any point, ends with each file in exactly
 * one live shard. Files that cannot be packed (missing, changed, conflicting) are left out and
 * reported; the rest of the job goes on.
 */
final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final int MAX_PROBLEMS_LOGGED = 20;

  enum Outcome {
    /** Packed (or found packed) and the sources marked. */
    DONE,
    /** The ledger already had the job done; nothing to do. */
    ALREADY_DONE,
    /** A newer lock holder took the key over; the storage refused our commit. */
    FENCED
  }

  private final ResumablePacker packer;
  private final Archive archive;
  private final FencedLocks locks;
  private final CheckpointStore checkpoints;
  private final JobLedger ledger;
  private final Map<io.des.job.SourceKind, SourceMarker> markers;
  private final String workerId;
  private final Duration lockWait;
  private final MeterRegistry meters;
  private final Timer checkpointTimer;

  JobRunner(ResumablePacker packer, Archive archive, FencedLocks locks, CheckpointStore checkpoints, JobLedger ledger,
      Map<io.des.job.SourceKind, SourceMarker> markers, String workerId, Duration lockWait, MeterRegistry meters) {
    this.packer = packer;
    this.archive = archive;
    this.locks = locks;
    this.checkpoints = checkpoints;
    this.ledger = ledger;
    this.markers = markers;
    this.workerId = workerId;
    this.lockWait = lockWait;
    this.meters = meters;
    this.checkpointTimer = Timer.builder("des.worker.checkpoint").description("Time to save one checkpoint").register(meters);
  }

  /** The lock name of a shard key: one writer per key at a time. */
  static String lockName(PackJob job) {
    return lockName(job.key());
  }

  /** The lock of a shard key, for pack and repack jobs alike (one writer, comparable tokens). */
  static String lockName(io.des.routing.ShardKey key) {
    return "pack:" + key;
  }

  Outcome run(PackJob job) throws IOException, KeyBusyException, UnpackableJobException {
    if (!markers.containsKey(job.source())) {
      // Packing it would leave sources this worker cannot mark: refuse before writing anything.
      throw new UnpackableJobException("Job " + job.jobId() + " comes from a " + job.source()
          + " source, which this worker is not configured for" + switch (job.source()) {
            case DATABASE -> " (set des.database.url)";
            case LANDING_STORE -> " (set des.landing.store)";
            default -> "";
          });
    }
    Timer.Sample sample = Timer.start(meters);
    try (FencedLease lease = locks.tryAcquire(lockName(job), lockWait)
        .orElseThrow(() -> new KeyBusyException(job.key().toString(), lockWait))) {
      try {
        boolean ran = runLocked(job, lease.token());
        // The job is recorded done: give the key back without waiting a round trip for it (a
        // waiting acquirer gets it when the release lands; the lease lapses if it never does).
        lease.release();
        if (!ran) {
          count("already_done");
          return Outcome.ALREADY_DONE;
        }
      } catch (UploadNotFoundException e) {
        if (lease.isHeld()) {
          throw e; // someone aborted our upload while we hold the key: a failure, retried
        }
        throw new LeaseLostException(e);
      } catch (IOException | RuntimeException e) {
        if (takenOver(job, lease)) {
          // Paused past the lease: the next holder finished the job and removed its sources under us.
          throw new LeaseLostException(e);
        }
        throw e;
      }
      count("done");
      sample.stop(meters.timer("des.worker.job.duration", "outcome", "done"));
      return Outcome.DONE;
    } catch (CatalogConflictException | FencedOutException | LeaseLostException fenced) {
      // A newer holder of the key took over: the storage refused our late write.
      log.warn("Job {} fenced out: {}", job.jobId(), fenced.getMessage());
      meters.counter("des.worker.fenced.commits").increment();
      count("fenced");
      return Outcome.FENCED;
    }
  }

  /**
   * Whether a failure came from losing the key: the lease is gone and the ledger shows the job run
   * by another worker since, or done. A lease that merely lapsed, with nobody taking over, is not:
   * that failure is retried.
   */
  private boolean takenOver(PackJob job, FencedLease lease) {
    try {
      if (lease.isHeld()) {
        return false;
      }
      Optional<JobRecord> now = ledger.get(job.jobId());
      return now.isPresent() && (now.get().state() == JobState.DONE || !workerId.equals(now.get().worker()));
    } catch (RuntimeException unreachable) {
      return false; // cannot tell: the original failure stands
    }
  }

  /** Our lease was lost and the key's next holder took the job over (our upload, or its sources). */
  private static final class LeaseLostException extends IOException {
    LeaseLostException(Exception cause) {
      super("lease lost and the job taken over: " + cause.getMessage(), cause);
    }
  }

  /** Runs the job under its key's lock; false if the ledger has it done already (a redelivery). */
  private boolean runLocked(PackJob job, long fence) throws IOException, UnpackableJobException {
    // One round trip says both whether the job is done already (it stays DONE) and whether this is
    // its first run: exactly one run of a job sees it PENDING here, which nobody can have started.
    JobState before = ledger.running(job.jobId(), job.key().toString(), job.files().size(), job.bytes(), workerId);
    if (before == JobState.DONE) {
      return false;
    }
    boolean takeover = before != JobState.PENDING;
    JobProgress progress = takeover
        ? checkpoints.load(job.jobId()).map(Checkpoint::state).map(JobProgress::fromJson).orElse(null)
        : null;
    // Whether this job has a checkpoint to keep up to date and delete at the end: a first run of a
    // job small enough to be one upload part never saves one, which spares it two round trips.
    AtomicBoolean checkpointed = new AtomicBoolean(takeover);
    if (progress == null || progress.phase() != JobProgress.Phase.COMMITTED) {
      if (takeover && progress == null) {
        save(job, fence, JobProgress.packing()); // also checks that no newer holder has saved
      }
      // A landing store's objects are packed from staged local copies; the sources marked are the objects.
      StoreLanding store = markers.get(job.source()) instanceof StoreLanding s ? s : null;
      PackJob local = store == null ? job : store.stage(job);
      try {
        progress = pack(local, fence, takeover, checkpointed);
      } finally {
        if (store != null) {
          store.unstage(job);
        }
      }
      if (checkpointed.get()) {
        // A successor goes straight to marking. Without this checkpoint it packs again, which finds
        // every file in a live shard and packs none: the same outcome, a few reads slower.
        save(job, fence, progress);
      }
    } else {
      log.info("Job {} resumes after its commit: marking {} sources", job.jobId(), job.files().size() - progress.rejected().size());
    }
    Map<String, String> rejected = progress.rejected();
    List<JobFile> packed = job.files().stream().filter(f -> !rejected.containsKey(f.uid())).toList();
    markers.get(job.source()).mark(job, packed);
    ledger.done(job.jobId(), summary(progress));
    if (checkpointed.get()) {
      checkpoints.delete(job.jobId(), fence);
    }
    return true;
  }

  /** Packs the job; files the packer refuses are taken out and the rest packed. */
  private JobProgress pack(PackJob job, long fence, boolean takeover, AtomicBoolean checkpointed) throws IOException, UnpackableJobException {
    List<SourceFile> sources = job.sourceFiles();
    Map<String, SourceFile> byOrigin = new HashMap<>();
    sources.forEach(s -> byOrigin.put(s.origin(), s));
    Map<String, String> rejected = new LinkedHashMap<>();
    // Packed by an earlier run of the job that died after deleting their sources, before the
    // ledger heard: nothing left to do for them.
    Set<String> gone = new HashSet<>();
    while (true) {
      List<SourceFile> remaining = sources.stream().filter(s -> !rejected.containsKey(s.uid()) && !gone.contains(s.uid())).toList();
      if (remaining.isEmpty()) {
        if (!gone.isEmpty()) {
          return new JobProgress(JobProgress.Phase.COMMITTED, List.of(), 0, gone.size(), rejected, null);
        }
        throw new UnpackableJobException("No file of job " + job.jobId() + " can be packed; first problem: "
            + rejected.entrySet().iterator().next());
      }
      try {
        PackReport report = packer.pack(remaining, fence, new ResumablePacker.Progress() {
          @Override
          public Optional<byte[]> load() {
            return checkpoints.load(job.jobId()).map(c -> JobProgress.fromJson(c.state()).pack());
          }

          @Override
          public void save(byte[] checkpoint) {
            checkpointed.set(true);
            JobRunner.this.save(job, fence, new JobProgress(JobProgress.Phase.PACKING, List.of(), 0, 0, rejected, checkpoint));
          }
        }, takeover);
        meters.counter("des.worker.files.packed").increment(report.files());
        meters.counter("des.worker.bytes.packed").increment(report.contentBytes());
        return new JobProgress(JobProgress.Phase.COMMITTED, report.shards(), report.files(), report.skipped() + gone.size(), rejected, null);
      } catch (InvalidInputException e) {
        int before = rejected.size() + gone.size();
        Set<String> live = null;
        for (InputProblem p : e.problems()) {
          SourceFile bad = byOrigin.get(p.where());
          if (bad == null) {
            continue;
          }
          if (!Files.exists(bad.path())) {
            live = live != null ? live : liveUids(job);
            if (live.contains(bad.uid())) {
              gone.add(bad.uid());
              continue;
            }
          }
          rejected.putIfAbsent(bad.uid(), p.reason());
          if (rejected.size() <= MAX_PROBLEMS_LOGGED) {
            log.warn("Job {}: {} is left out: {}", job.jobId(), p.where(), p.reason());
          }
          meters.counter("des.worker.file.problems").increment();
        }
        if (rejected.size() + gone.size() == before) {
          throw new IOException("Job " + job.jobId() + ": problems that name no file of the job: " + e.getMessage(), e);
        }
      }
    }
  }


  /** The uids in the key's live shards, from the catalog as it is now (not a cached copy). */
  private Set<String> liveUids(PackJob job) throws IOException {
    Set<String> uids = new HashSet<>();
    for (var shard : archive.catalog().load(job.key()).shards()) {
      archive.shard(shard.name()).index().entries().forEach(entry -> uids.add(entry.uid()));
    }
    return uids;
  }

  private void save(PackJob job, long fence, JobProgress progress) {
    checkpointTimer.record(() -> checkpoints.save(job.jobId(), fence, progress.toJson()));
  }

  private void count(String outcome) {
    meters.counter("des.worker.jobs", "outcome", outcome).increment();
  }

  private static String summary(JobProgress p) {
    List<String> parts = new ArrayList<>();
    parts.add(p.packed() + " packed");
    parts.add(p.skipped() + " already packed");
    if (!p.rejected().isEmpty()) {
      var first = p.rejected().entrySet().iterator().next();
      parts.add(p.rejected().size() + " rejected (first: " + first.getKey() + ": " + first.getValue() + ")");
    }
    parts.add("shards " + p.shards());
    return String.join(", ", parts);
  }
}
