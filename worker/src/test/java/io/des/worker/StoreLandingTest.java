package io.des.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.coord.JobState;
import io.des.coord.LocalCheckpointStore;
import io.des.coord.LocalFencedLocks;
import io.des.coord.LocalJobLedger;
import io.des.format.ReaderLimits;
import io.des.job.JobFile;
import io.des.job.JobPlanner;
import io.des.job.PackJob;
import io.des.job.SourceKind;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.ResumablePacker;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs whose files are objects of a landing store: staged to disk, packed, then deleted from the store. */
class StoreLandingTest {
  private static final CreatedAt DAY = CreatedAt.parse("2024-03-03T03:03:03Z");

  @TempDir Path tmp;
  private Archive archive;
  private ResumablePacker packer;
  private LocalFencedLocks locks;
  private LocalJobLedger ledger;
  private InMemoryBlobStore landing;
  private final Map<String, byte[]> contents = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    archive = Archive.create(new LocalBlobStore(tmp.resolve("store")), 8, ReaderLimits.DEFAULTS);
    packer = new ResumablePacker(archive, PackOptions.defaults(8), PackListener.NONE);
    locks = new LocalFencedLocks();
    ledger = new LocalJobLedger();
    landing = new InMemoryBlobStore();
  }

  @AfterEach
  void tearDown() {
    packer.close();
    locks.close();
  }

  private JobRunner runner() {
    StoreLanding store = new StoreLanding(landing, tmp.resolve("staging"));
    return new JobRunner(packer, archive, locks, new LocalCheckpointStore(tmp.resolve("checkpoints")), ledger,
        Map.of(SourceKind.LANDING_STORE, store), "w1", Duration.ofSeconds(10), new SimpleMeterRegistry());
  }

  /** A job of {@code files} objects under {@code files/} of the landing store, all of one key. */
  private PackJob job(int files) throws Exception {
    Router router = new Router(8);
    ShardKey key = router.route("f-0", DAY);
    List<JobFile> jobFiles = new ArrayList<>();
    for (int i = 0; jobFiles.size() < files; i++) {
      String uid = "f-" + i;
      if (router.route(uid, DAY).equals(key)) {
        byte[] content = ("object " + uid + " ").repeat(1 + i % 40).getBytes(StandardCharsets.UTF_8);
        landing.putReplace(BlobPath.of("files/" + uid), content);
        contents.put(uid, content);
        jobFiles.add(new JobFile(uid, DAY, content.length, "files/" + uid));
      }
    }
    return new JobPlanner(8, SourceKind.LANDING_STORE, 1L << 30, 5000).plan(key, jobFiles).get(0);
  }

  @Test
  void theObjectsArePackedThenDeletedAndNothingStaysStaged() throws Exception {
    PackJob job = job(20);

    assertThat(runner().run(job)).isEqualTo(JobRunner.Outcome.DONE);

    for (JobFile f : job.files()) {
      assertThat(archive.locate(f.uid(), DAY).shard().read(f.uid())).as(f.uid()).isEqualTo(contents.get(f.uid()));
      assertThat(landing.stat(BlobPath.of(f.location()))).as("deleted once committed").isEmpty();
    }
    assertThat(ledger.get(job.jobId()).orElseThrow().state()).isEqualTo(JobState.DONE);
    try (var left = Files.list(tmp.resolve("staging"))) {
      assertThat(left).as("staged copies removed").isEmpty();
    }
  }

  @Test
  void aMissingObjectIsLeftOutAndReportedWhileTheRestIsPacked() throws Exception {
    PackJob job = job(5);
    JobFile missing = job.files().get(2);
    landing.delete(BlobPath.of(missing.location()));

    assertThat(runner().run(job)).isEqualTo(JobRunner.Outcome.DONE);

    assertThat(ledger.get(job.jobId()).orElseThrow().detail()).contains("1 rejected").contains(missing.uid());
    for (JobFile f : job.files()) {
      if (f != missing) {
        assertThat(archive.locate(f.uid(), DAY).shard().read(f.uid())).isEqualTo(contents.get(f.uid()));
      }
    }
  }

  @Test
  void aRedeliveredJobWhoseObjectsWereDeletedAfterTheCommitIsDone() throws Exception {
    PackJob job = job(8);
    assertThat(runner().run(job)).isEqualTo(JobRunner.Outcome.DONE);
    LocalJobLedger fresh = new LocalJobLedger(); // the ledger never heard: the worker died after marking
    ledger = fresh;

    assertThat(runner().run(job)).isEqualTo(JobRunner.Outcome.DONE);

    assertThat(fresh.get(job.jobId()).orElseThrow().detail()).contains("0 packed").contains("8 already packed");
  }

  @Test
  void aWorkerWithoutTheLandingStoreRefusesItsJobsBeforePacking() throws Exception {
    PackJob job = job(3);
    JobRunner noStore = new JobRunner(packer, archive, locks, new LocalCheckpointStore(tmp.resolve("checkpoints")), ledger,
        Map.of(SourceKind.LANDING, new LandingSourceMarker()), "w1", Duration.ofSeconds(10), new SimpleMeterRegistry());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> noStore.run(job))
        .isInstanceOf(UnpackableJobException.class)
        .hasMessageContaining("(set des.landing.store)");
    assertThat(landing.stat(BlobPath.of(job.files().get(0).location()))).isPresent();
  }
}
