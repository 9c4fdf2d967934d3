package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.coord.JobState;
import io.des.job.JobCodec;
import io.des.job.JobFile;
import io.des.job.JobMessages;
import io.des.job.JobPlanner;
import io.des.job.PackJob;
import io.des.job.SourceKind;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Jobs that cannot succeed go to the dead-letter topic with their cause and the partition moves
 * on; a worker told to stop (SIGTERM) finishes its job first and commits only finished work.
 */
class FleetFaultsTest extends FleetTestBase {
  private static final CreatedAt DAY = CreatedAt.parse("2024-07-07T07:07:07Z");

  /** A job of {@code count} small files of one key; {@code land} says whether the files exist. */
  private static PackJob smallJob(String prefix, int count, boolean land) throws Exception {
    return smallJob(prefix, count, land, "small-0");
  }

  /** As above, of the key that {@code keyOf} routes to. */
  private static PackJob smallJob(String prefix, int count, boolean land, String keyOf) throws Exception {
    Router router = new Router(8);
    ShardKey key = router.route(keyOf, DAY);
    Path dir = Files.createDirectories(tmp.resolve(prefix));
    List<JobFile> files = new ArrayList<>();
    for (int i = 0; files.size() < count; i++) {
      String uid = prefix + "-" + i;
      if (router.route(uid, DAY).equals(key)) {
        Path p = dir.resolve(uid);
        if (land) {
          Files.writeString(p, "content of " + uid);
        }
        files.add(new JobFile(uid, DAY, ("content of " + uid).length(), p.toString()));
      }
    }
    return new JobPlanner(8, SourceKind.LANDING, 1 << 30, 5000).plan(key, files).get(0);
  }

  private static ProducerRecord<String, byte[]> record(String key, String jobId, byte[] value) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>("des.pack-jobs", key, value);
    record.headers().add(JobCodec.JOB_ID_HEADER, jobId.getBytes(StandardCharsets.UTF_8));
    return record;
  }

  @Test
  void jobsThatCannotSucceedAreDeadLetteredAndThePartitionMovesOn() throws Exception {
    try (AppProcess worker = fleet.worker("worker-dlt")) {
      worker.awaitHealthy(Duration.ofMinutes(3));
      deadLetters(worker);
    }
  }

  private void deadLetters(AppProcess worker) throws Exception {
    PackJob missing = smallJob("missing", 3, false);
    PackJob good = smallJob("good", 5, true);
    String key = good.key().toString(); // all three on one partition, in this order
    String brokers = fleet.kafka.getBrokersAsString();
    Topics.send(brokers, record(key, "garbage-1", "{not a job".getBytes(StandardCharsets.UTF_8)));
    Topics.send(brokers, record(key, missing.jobId(), JobCodec.write(missing)));
    Topics.send(brokers, record(key, good.jobId(), JobCodec.write(good)));
    // A message of three jobs of other keys whose middle one cannot succeed: it alone is dead-lettered.
    PackJob before = smallJob("before", 2, true, "small-1");
    PackJob missingToo = smallJob("missing-too", 2, false, "small-2");
    PackJob after = smallJob("after", 2, true, "small-3");
    assertThat(java.util.Set.of(before.key(), missingToo.key(), after.key())).hasSize(3);
    JobMessages.Message three = new JobMessages(64, Long.MAX_VALUE).of(List.of(before, missingToo, after)).get(0);
    ProducerRecord<String, byte[]> several = new ProducerRecord<>("des.pack-jobs", key, three.bytes());
    three.jobIds().forEach(id -> several.headers().add(JobCodec.JOB_ID_HEADER, id.getBytes(StandardCharsets.UTF_8)));
    Topics.send(brokers, several);

    jobs.awaitDone(good.jobId(), Duration.ofMinutes(2), worker);
    jobs.awaitDone(after.jobId(), Duration.ofMinutes(2), worker);
    assertThat(jobs.redis.ledger().get(before.jobId()).orElseThrow().state()).isEqualTo(JobState.DONE);
    List<ConsumerRecord<String, byte[]>> dead = Topics.readAll(brokers, "des.pack-jobs.dlt", 3, Duration.ofSeconds(30));
    assertThat(dead).hasSize(3);
    assertThat(header(dead.get(2), "kafka_dlt-exception-message")).contains("No file of job " + missingToo.jobId() + " can be packed");
    assertThat(dead.get(2).value()).as("the job alone, as a message of its own").isEqualTo(JobCodec.write(missingToo));
    assertThat(header(dead.get(2), JobCodec.JOB_ID_HEADER)).isEqualTo(missingToo.jobId());
    assertThat(jobs.redis.ledger().get(missingToo.jobId()).orElseThrow().state()).isEqualTo(JobState.FAILED);
    assertThat(header(dead.get(0), "kafka_dlt-exception-cause-fqcn") + header(dead.get(0), "kafka_dlt-exception-fqcn"))
        .contains("InvalidJobException");
    assertThat(header(dead.get(1), "kafka_dlt-exception-message")).contains("No file of job " + missing.jobId() + " can be packed");
    assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo(new String(JobCodec.write(missing), StandardCharsets.UTF_8));
    assertThat(jobs.redis.ledger().get(missing.jobId()).orElseThrow().state()).isEqualTo(JobState.FAILED);
    assertThat(jobs.redis.ledger().get("garbage-1").orElseThrow().detail()).contains("not JSON");
    assertThat(worker.get("/actuator/prometheus")).contains("des_worker_dead_letters_total");
  }

  @Test
  void aWorkerToldToStopFinishesItsJobAndCommitsOnlyFinishedWork() throws Exception {
    try (AppProcess a = fleet.worker("worker-a"); AppProcess b = fleet.worker("worker-b")) {
      stopMidJob(a, b);
    }
  }

  private void stopMidJob(AppProcess... workers) throws Exception {
    PackJob job = BigJob.land(tmp.resolve("big"));
    Fleet.awaitHealthy(Duration.ofMinutes(3), workers);
    jobs.publish(job);

    AppProcess stopping = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (stopping == null && System.nanoTime() < deadline) {
      var record = jobs.redis.ledger().get(job.jobId());
      if (record.isPresent() && record.get().state() == JobState.RUNNING) {
        for (AppProcess w : workers) {
          if (w.name().equals(record.get().worker())) {
            w.signal("TERM");
            stopping = w;
          }
        }
      }
      Thread.sleep(5);
    }
    assertThat(stopping).as("the job's worker got SIGTERM while running it").isNotNull();
    AppProcess other = stopping == workers[0] ? workers[1] : workers[0];
    long stopped = System.nanoTime();
    while (stopping.isAlive() && System.nanoTime() - stopped < Duration.ofSeconds(90).toNanos()) {
      Thread.sleep(100);
    }
    assertThat(stopping.isAlive()).as("exited within its grace period").isFalse();
    var done = jobs.redis.ledger().get(job.jobId()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.DONE);
    assertThat(done.worker()).as("finished by the worker that was stopping").isEqualTo(stopping.name());
    assertThat(stopping.log()).contains("Job " + job.jobId());

    // Its offset was committed: the partition's new owner does not get the job again.
    Thread.sleep(Duration.ofSeconds(10).toMillis());
    assertThat(other.log()).doesNotContain("Job " + job.jobId());
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
