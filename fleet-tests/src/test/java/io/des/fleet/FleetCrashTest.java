package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;


import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobFile;
import io.des.job.PackJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Workers killed with SIGKILL in the middle of a job, three times at random points after a
 * checkpoint: each replacement resumes the shard from the last checkpoint, and in the end every
 * file is in exactly one live shard, the sources are deleted, and no multipart upload is left.
 */
class FleetCrashTest extends FleetTestBase {
  @Test
  void aJobSurvivesItsWorkersBeingKilledMidShard() throws Exception {
    PackJob job = BigJob.land(tmp);
    AppProcess[] workers = {fleet.worker("worker-1"), fleet.worker("worker-2")};
    Fleet.awaitHealthy(Duration.ofMinutes(3), workers);
    jobs.publish(job);

    Random random = new Random(42);
    int kills = 0;
    int next = 3;
    byte[] lastKilledAt = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (kills < 3 && System.nanoTime() < deadline) {
      Optional<JobRecord> record = jobs.redis.ledger().get(job.jobId());
      if (record.isPresent() && record.get().state() == JobState.DONE) {
        break; // finished before all kills happened: the assertions below say so
      }
      byte[] pack = jobs.packCheckpoint(job.jobId());
      if (pack != null && !java.util.Arrays.equals(pack, lastKilledAt) && record.isPresent() && record.get().state() == JobState.RUNNING) {
        Thread.sleep(random.nextInt(150));
        String holder = record.get().worker();
        for (int i = 0; i < workers.length; i++) {
          if (workers[i].name().equals(holder)) {
            workers[i].kill();
            kills++;
            lastKilledAt = pack;
            workers[i] = fleet.worker("worker-" + next++);
          }
        }
      }
      Thread.sleep(20);
    }
    assertThat(kills).as("workers killed mid-job").isEqualTo(3);
    Fleet.awaitHealthy(Duration.ofMinutes(3), workers);

    jobs.awaitDone(job.jobId(), Duration.ofMinutes(3), workers);
    String logs = String.join("\n", workers[0].log(), workers[1].log());
    assertThat(logs).as("a replacement resumed the shard").contains("Resuming ");

    Archive archive = jobs.archive();
    CatalogState state = archive.catalog().load(job.key());
    List<String> uids = new ArrayList<>();
    for (var shard : state.shards()) {
      archive.shard(shard.name()).index().entries().forEach(e -> uids.add(e.uid()));
    }
    assertThat(uids).hasSize(BigJob.FILES).doesNotHaveDuplicates();
    for (JobFile f : job.files()) {
      assertThat(archive.locate(f.uid(), f.createdAt()).shard().read(f.uid())).isEqualTo(BigJob.content(f.uid()));
      assertThat(Path.of(f.location())).doesNotExist();
    }
    assertThat(fleet.s3.client().listMultipartUploads(b -> b.bucket(fleet.bucket)).uploads()).as("orphaned multipart uploads").isEmpty();
  }

}
