package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobFile;
import io.des.job.PackJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A worker paused with SIGSTOP in the middle of a job, past its lock's lease: the other worker
 * takes the key with a newer fencing token and finishes the job; when the paused one resumes, the
 * storage refuses its late writes (the checkpoint store, the taken-over upload or the catalog,
 * whichever it reaches first), it counts itself fenced, and nothing it wrote becomes live.
 */
class FleetFencingTest extends FleetTestBase {
  @Test
  void aPausedWorkerPastItsLeaseCannotMakeItsShardLive() throws Exception {
    PackJob job = BigJob.land(tmp);
    AppProcess[] workers = {fleet.worker("worker-1"), fleet.worker("worker-2")};
    Fleet.awaitHealthy(Duration.ofMinutes(3), workers);
    jobs.publish(job);

    AppProcess paused = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (paused == null && System.nanoTime() < deadline) {
      Optional<JobRecord> record = jobs.redis.ledger().get(job.jobId());
      if (record.isPresent() && record.get().state() == JobState.RUNNING && jobs.packCheckpoint(job.jobId()) != null) {
        for (AppProcess w : workers) {
          if (w.name().equals(record.get().worker())) {
            w.signal("STOP");
            paused = w;
          }
        }
      }
      Thread.sleep(10);
    }
    assertThat(paused).as("a worker paused mid-job").isNotNull();
    AppProcess other = paused == workers[0] ? workers[1] : workers[0];

    JobRecord done = jobs.awaitDone(job.jobId(), Duration.ofMinutes(2), other);
    assertThat(done.worker()).isEqualTo(other.name());

    paused.signal("CONT");
    awaitLog(paused, "fenced out", Duration.ofSeconds(60));
    awaitLog(paused, "des_worker_fenced_commits_total", Duration.ofSeconds(1), "/actuator/prometheus");

    Archive archive = jobs.archive();
    List<String> uids = new ArrayList<>();
    for (var shard : archive.catalog().load(job.key()).shards()) {
      archive.shard(shard.name()).index().entries().forEach(e -> uids.add(e.uid()));
    }
    assertThat(uids).hasSize(BigJob.FILES).doesNotHaveDuplicates();
    for (JobFile f : job.files()) {
      assertThat(archive.locate(f.uid(), f.createdAt()).shard().read(f.uid())).isEqualTo(BigJob.content(f.uid()));
    }
    assertThat(fleet.s3.client().listMultipartUploads(b -> b.bucket(fleet.bucket)).uploads()).as("orphaned multipart uploads").isEmpty();
  }

  private static void awaitLog(AppProcess app, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!app.log().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(app.name() + " never logged '" + text + "':\n" + app.tail(40));
      }
      Thread.sleep(200);
    }
  }

  /** Waits for the Prometheus counter to reach 1 (the log line comes first). */
  private static void awaitLog(AppProcess app, String counter, Duration timeout, String path) throws Exception {
    long deadline = System.nanoTime() + Math.max(timeout.toNanos(), Duration.ofSeconds(10).toNanos());
    while (true) {
      double value = app.get(path).lines().filter(l -> l.startsWith(counter + " "))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
      if (value >= 1) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(app.name() + " never counted " + counter);
      }
      Thread.sleep(200);
    }
  }
}
