package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobFile;
import io.des.job.PackJob;
import io.des.routing.CreatedAt;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * As {@link FleetCrashTest} and the graceful stop of {@link FleetFaultsTest}, with a worker that
 * runs several jobs at once, as {@code bin/des fleet up} starts them (a fleet of its own).
 */
class FleetConcurrentCrashTest extends FleetTestBase {
  private static final String THREE_AT_ONCE = "--spring.kafka.listener.concurrency=3";

  /** Three jobs of {@code files} files each, of three days of {@code month} (keys of their own). */
  private static List<PackJob> landThree(String prefix, String month, int files) throws Exception {
    List<PackJob> batch = new ArrayList<>();
    for (int d = 1; d <= 3; d++) {
      batch.add(BigJob.land(tmp, prefix + d + "-", CreatedAt.parse(month + "-0" + d + "T06:06:06Z"), files));
    }
    return batch;
  }

  /**
   * Publishes to partitions 0, 2 and 4: three consumers of six partitions take two neighbours
   * each, so each job goes to a consumer of its own and the three run at once.
   */
  private static void publishOnePerConsumer(List<PackJob> batch) throws Exception {
    Topics.awaitSpread(fleet.kafka.getBrokersAsString(), "des-workers", "des.pack-jobs", 3, 6, Duration.ofMinutes(1));
    for (int i = 0; i < batch.size(); i++) {
      jobs.publish(batch.get(i), 2 * i);
    }
  }

  /**
   * A worker that runs several jobs at once ({@code bin/des fleet up} gives each worker three) is
   * killed while at least two of them are mid-shard: its replacement resumes each from its own
   * checkpoint, and every job ends with each of its files in exactly one live shard.
   */
  @Test
  void severalJobsOfOneWorkerSurviveItBeingKilled() throws Exception {
    List<PackJob> batch = landThree("many-", "2024-06", 200);
    AppProcess worker = fleet.worker("worker-many-1", THREE_AT_ONCE);
    Fleet.awaitHealthy(Duration.ofMinutes(3), worker);
    publishOnePerConsumer(batch);

    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    int midShard = 0;
    while (midShard < 2 && System.nanoTime() < deadline) {
      midShard = 0;
      for (PackJob job : batch) {
        Optional<JobRecord> record = jobs.redis.ledger().get(job.jobId());
        if (record.isPresent() && record.get().state() == JobState.RUNNING && jobs.packCheckpoint(job.jobId()) != null) {
          midShard++;
        }
      }
      Thread.sleep(20);
    }
    assertThat(midShard).as("jobs running with a checkpoint when the worker is killed").isGreaterThanOrEqualTo(2);
    worker.kill();
    AppProcess replacement = fleet.worker("worker-many-2", THREE_AT_ONCE);

    for (PackJob job : batch) {
      jobs.awaitDone(job.jobId(), Duration.ofMinutes(3), replacement);
    }
    // Each job that was mid-shard at the kill is resumed from its own checkpoint, not started over.
    long resumed = replacement.log().lines().filter(l -> l.contains("Resuming ")).count();
    assertThat(resumed).as("shards the replacement resumed").isGreaterThanOrEqualTo(midShard);
    Archive archive = jobs.archive();
    for (PackJob job : batch) {
      List<String> uids = new ArrayList<>();
      for (var shard : archive.catalog().load(job.key()).shards()) {
        archive.shard(shard.name()).index().entries().forEach(e -> uids.add(e.uid()));
      }
      assertThat(uids).as("entries of " + job.key()).hasSize(200).doesNotHaveDuplicates();
      for (JobFile f : job.files()) {
        assertThat(archive.locate(f.uid(), f.createdAt()).shard().read(f.uid())).isEqualTo(BigJob.content(f.uid()));
        assertThat(Path.of(f.location())).doesNotExist();
      }
    }
    assertThat(fleet.s3.client().listMultipartUploads(b -> b.bucket(fleet.bucket)).uploads()).as("orphaned multipart uploads").isEmpty();
    replacement.close(); // the next test's jobs are for its own workers
  }

  /**
   * A worker running three jobs at once is told to stop (SIGTERM): it finishes all three within
   * its grace period and commits their offsets, so a worker started after it gets none of them.
   */
  @Test
  void aWorkerToldToStopFinishesEachOfItsJobs() throws Exception {
    List<PackJob> batch = landThree("stop-", "2024-08", 300);
    try (AppProcess stopping = fleet.worker("worker-stop-1", THREE_AT_ONCE)) {
      Fleet.awaitHealthy(Duration.ofMinutes(3), stopping);
      publishOnePerConsumer(batch);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      int running = 0;
      while (running < batch.size() && System.nanoTime() < deadline) {
        running = 0;
        for (PackJob job : batch) {
          Optional<JobRecord> record = jobs.redis.ledger().get(job.jobId());
          if (record.isPresent() && record.get().state() == JobState.RUNNING) {
            running++;
          }
        }
        Thread.sleep(5);
      }
      assertThat(running).as("jobs running when the worker is told to stop").isEqualTo(batch.size());
      Instant toldToStop = Instant.now();
      stopping.signal("TERM");
      long stopped = System.nanoTime();
      while (stopping.isAlive() && System.nanoTime() - stopped < Duration.ofSeconds(90).toNanos()) {
        Thread.sleep(100);
      }
      assertThat(stopping.isAlive()).as("exited within its grace period").isFalse();
      for (PackJob job : batch) {
        JobRecord done = jobs.redis.ledger().get(job.jobId()).orElseThrow();
        assertThat(done.state()).as(job.jobId()).isEqualTo(JobState.DONE);
        assertThat(done.worker()).as("finished by the worker that was stopping").isEqualTo(stopping.name());
        assertThat(done.since()).as("done after it was told to stop").isAfter(toldToStop);
      }
    }
    // Their offsets were committed: a worker that takes the partitions over does not get them again.
    try (AppProcess next = fleet.worker("worker-stop-2", THREE_AT_ONCE)) {
      Fleet.awaitHealthy(Duration.ofMinutes(3), next);
      Thread.sleep(Duration.ofSeconds(10).toMillis());
      for (PackJob job : batch) {
        assertThat(next.log()).doesNotContain("Job " + job.jobId());
      }
    }
  }
}
