package io.des.fleet;

import io.des.archive.Archive;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One large pack job for the crash and fencing tests: 400 incompressible files of 100 KiB in one
 * shard key (about 40 MB, several S3 parts, so that there is time to interrupt it), published
 * straight to the jobs topic, and what the tests read back of it from Redis and S3.
 */
final class BigJob {
  static final CreatedAt DAY = CreatedAt.parse("2024-05-05T05:05:05Z");
  static final int FILES = 400;
  static final int SIZE = 100 * 1024;

  private final Fleet fleet;
  final RedisCoordination redis;

  BigJob(Fleet fleet) {
    this.fleet = fleet;
    this.redis = RedisCoordination.connect(Fleet.REDIS, fleet.redisPrefix, Duration.ofSeconds(4));
  }

  Archive archive() throws java.io.IOException {
    return Archive.open(BlobStores.open(fleet.store(), b -> b.endpoint(fleet.s3.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)), null, ReaderLimits.DEFAULTS);
  }

  static byte[] content(String uid) {
    byte[] bytes = new byte[SIZE];
    new Random(uid.hashCode()).nextBytes(bytes);
    return bytes;
  }

  /** Lands the files in {@code tmp/landing/files} and plans their one job. */
  static PackJob land(Path tmp) throws Exception {
    return land(tmp, "big-", DAY, FILES);
  }

  /** Lands {@code count} files named {@code prefix<n>}, created on {@code day}, all of one shard key, and plans their job. */
  static PackJob land(Path tmp, String prefix, CreatedAt day, int count) throws Exception {
    Router router = new Router(8);
    ShardKey key = router.route(prefix + 0, day);
    Path files = Files.createDirectories(tmp.resolve("landing/files"));
    List<JobFile> jobFiles = new ArrayList<>();
    for (int i = 0; jobFiles.size() < count; i++) {
      String uid = prefix + i;
      if (router.route(uid, day).equals(key)) {
        Path p = files.resolve(uid);
        Files.write(p, content(uid));
        jobFiles.add(new JobFile(uid, day, SIZE, p.toAbsolutePath().toString()));
      }
    }
    return new JobPlanner(8, SourceKind.LANDING, 1L << 30, 5000).plan(key, jobFiles).get(0);
  }

  void publish(PackJob job) throws Exception {
    publish(job, null);
  }

  /** Publishes to a given partition of the jobs topic (null: by the job's key, as the coordinator does). */
  void publish(PackJob job, Integer partition) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fleet.kafka.getBrokersAsString(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>("des.pack-jobs", partition, job.key().toString(), JobCodec.write(job));
      record.headers().add(JobCodec.JOB_ID_HEADER, job.jobId().getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
    redis.ledger().offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes());
  }

  /**
   * The packer's checkpoint inside the worker's job checkpoint (its JSON, embedded as it is), or
   * null when there is none yet; compared as bytes to see a job move on.
   */
  byte[] packCheckpoint(String jobId) {
    Optional<Checkpoint> checkpoint = redis.checkpoints().load(jobId);
    if (checkpoint.isEmpty()) {
      return null;
    }
    JsonMapper json = JsonMapper.builder().build();
    JsonNode pack = json.readTree(checkpoint.get().state()).get("pack");
    return pack == null || pack.isNull() ? null : json.writeValueAsBytes(pack);
  }

  JobRecord awaitDone(String jobId, Duration timeout, AppProcess... workers) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JobRecord> record = redis.ledger().get(jobId);
      if (record.isPresent() && record.get().state() == JobState.DONE) {
        return record.get();
      }
      Thread.sleep(200);
    }
    StringBuilder logs = new StringBuilder();
    for (AppProcess w : workers) {
      logs.append("\n--- ").append(w.name()).append(" ---\n").append(w.tail(40));
    }
    throw new AssertionError("Job " + jobId + " not done after " + timeout + ": " + redis.ledger().get(jobId) + logs);
  }

  void close() {
    redis.close();
  }
}
