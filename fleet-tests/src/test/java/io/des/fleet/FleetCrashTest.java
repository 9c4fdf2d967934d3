package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.coord.Checkpoint;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.coord.RedisCoordination;
import io.des.format.ReaderLimits;
import io.des.job.JobCodec;
import io.des.job.JobFile;
import io.des.job.JobPlanner;
import io.des.job.PackJob;
import io.des.job.SourceKind;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.storage.BlobStores;
import io.des.storage.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workers killed with SIGKILL in the middle of a job, three times at random points after a
 * checkpoint: each replacement resumes the shard from the last checkpoint, and in the end every
 * file is in exactly one live shard, the sources are deleted, and no multipart upload is left.
 */
class FleetCrashTest {
  private static final CreatedAt DAY = CreatedAt.parse("2024-05-05T05:05:05Z");
  private static final int FILES = 400;
  private static final int SIZE = 100 * 1024;

  @TempDir static Path tmp;
  private static Fleet fleet;
  private static RedisCoordination redis;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new Fleet(Path.of("target", "fleet-logs", "crash"));
    redis = RedisCoordination.connect(Fleet.REDIS, fleet.redisPrefix, Duration.ofSeconds(4));
  }

  @AfterAll
  static void stopFleet() throws Exception {
    if (redis != null) {
      redis.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aJobSurvivesItsWorkersBeingKilledMidShard() throws Exception {
    PackJob job = landOneBigJob();
    AppProcess[] workers = {fleet.worker("worker-1"), fleet.worker("worker-2")};
    Fleet.awaitHealthy(Duration.ofMinutes(3), workers);
    publish(job);

    Random random = new Random(42);
    int kills = 0;
    int next = 3;
    byte[] lastKilledAt = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (kills < 3 && System.nanoTime() < deadline) {
      Optional<JobRecord> record = redis.ledger().get(job.jobId());
      if (record.isPresent() && record.get().state() == JobState.DONE) {
        break; // finished before all kills happened: the assertions below say so
      }
      byte[] pack = packCheckpoint(job.jobId());
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

    awaitDone(job.jobId(), Duration.ofMinutes(3), workers);
    String logs = String.join("\n", workers[0].log(), workers[1].log());
    assertThat(logs).as("a replacement resumed the shard").contains("Resuming ");

    Archive archive = Archive.open(BlobStores.open(fleet.store(), b -> b.endpoint(fleet.s3.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)), null, ReaderLimits.DEFAULTS);
    CatalogState state = archive.catalog().load(job.key());
    List<String> uids = new ArrayList<>();
    for (var shard : state.shards()) {
      archive.shard(shard.name()).index().entries().forEach(e -> uids.add(e.uid()));
    }
    assertThat(uids).hasSize(FILES).doesNotHaveDuplicates();
    for (JobFile f : job.files()) {
      assertThat(archive.locate(f.uid(), f.createdAt()).shard().read(f.uid())).isEqualTo(content(f.uid()));
      assertThat(Path.of(f.location())).doesNotExist();
    }
    assertThat(fleet.s3.client().listMultipartUploads(b -> b.bucket(fleet.bucket)).uploads()).as("orphaned multipart uploads").isEmpty();
  }

  private static byte[] content(String uid) {
    byte[] bytes = new byte[SIZE];
    new Random(uid.hashCode()).nextBytes(bytes);
    return bytes;
  }

  /** 400 incompressible files of 100 KiB in one shard key: one job of about 40 MB, eight S3 parts. */
  private static PackJob landOneBigJob() throws Exception {
    Router router = new Router(8);
    ShardKey key = router.route("big-0", DAY);
    Path files = Files.createDirectories(tmp.resolve("landing/files"));
    List<JobFile> jobFiles = new ArrayList<>();
    for (int i = 0; jobFiles.size() < FILES; i++) {
      String uid = "big-" + i;
      if (router.route(uid, DAY).equals(key)) {
        Path p = files.resolve(uid);
        Files.write(p, content(uid));
        jobFiles.add(new JobFile(uid, DAY, SIZE, p.toAbsolutePath().toString()));
      }
    }
    return new JobPlanner(8, SourceKind.LANDING, 1L << 30, 5000).plan(key, jobFiles).get(0);
  }

  private static void publish(PackJob job) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.kafka.getBrokersAsString(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>("des.pack-jobs", job.key().toString(), JobCodec.write(job));
      record.headers().add("des-job-id", job.jobId().getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
    redis.ledger().offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes());
  }

  /** The packer's checkpoint inside the worker's job checkpoint, or null when there is none yet. */
  private static byte[] packCheckpoint(String jobId) {
    Optional<Checkpoint> checkpoint = redis.checkpoints().load(jobId);
    if (checkpoint.isEmpty()) {
      return null;
    }
    JsonNode progress = JsonMapper.builder().build().readTree(checkpoint.get().state());
    JsonNode pack = progress.get("pack");
    return pack == null || pack.isNull() ? null : pack.asString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void awaitDone(String jobId, Duration timeout, AppProcess... workers) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JobRecord> record = redis.ledger().get(jobId);
      if (record.isPresent() && record.get().state() == JobState.DONE) {
        return;
      }
      Thread.sleep(200);
    }
    StringBuilder logs = new StringBuilder();
    for (AppProcess w : workers) {
      logs.append("\n--- ").append(w.name()).append(" ---\n").append(w.tail(40));
    }
    throw new AssertionError("Job " + jobId + " not done after " + timeout + ": " + redis.ledger().get(jobId) + logs);
  }
}
