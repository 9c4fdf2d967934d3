package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.coord.LocalJobLedger;
import io.des.job.JobCodec;
import io.des.job.JobFile;
import io.des.job.JobMessages;
import io.des.job.PackJob;
import io.des.job.JobPlanner;
import io.des.job.SourceKind;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * A scan that publishes more jobs than {@link JobPublisher#MAX_IN_FLIGHT} while the broker fails
 * one of them: the send that waits at the limit stops the scan, and no offer is left without a
 * message on the topic (it would hold its shard key until the next leader's StrandedJobs).
 * Kafka's {@link MockProducer}, completion off, is the broker and its fault switch.
 */
class PlannerPublishTest {
  private final MockProducer<String, byte[]> producer = shared(Cluster.empty(), false);

  /**
   * A mock producer that, like the factory's shared producer in the apps, outlives a close: the
   * template closes the producer it used after {@code partitionsFor}.
   */
  private static MockProducer<String, byte[]> shared(Cluster cluster, boolean autoComplete) {
    return new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer()) {
      @Override
      public void close() {}

      @Override
      public void close(Duration timeout) {}
    };
  }
  private final LocalJobLedger ledger = new LocalJobLedger();

  /** One file in each of {@code keys} shard keys (256 a day), all valid. */
  private static FileSource source(int keys) {
    Router router = new Router(8);
    List<JobFile> files = new ArrayList<>();
    Set<ShardKey> seen = new HashSet<>();
    for (int i = 0; seen.size() < keys; i++) {
      CreatedAt day = CreatedAt.parse("2024-03-" + String.format("%02d", 1 + seen.size() / 256) + "T00:00:00Z");
      String uid = "f-" + i;
      if (seen.add(router.route(uid, day))) {
        files.add(new JobFile(uid, day, 10, "/landing/" + uid));
      }
    }
    return FakeSource.landing("test", () -> new FileSource.Scan(files, List.of(), null));
  }

  /** A planner of {@code keys} one-file jobs, {@code jobsPerMessage} to a message, publishing through {@code kafka}. */
  private Planner planner(int keys, int jobsPerMessage, MockProducer<String, byte[]> kafka) {
    return new Planner(source(keys), ledger, new KafkaTemplate<>(new MockProducerFactory<>(() -> kafka)), "jobs",
        new JobPlanner(8, SourceKind.LANDING, 1 << 20, 100), new JobMessages(jobsPerMessage, Long.MAX_VALUE), new Router(8), 10 * keys,
        Clock.systemUTC());
  }

  /** Starts a scan in the background and waits until the broker holds {@code sends} unanswered records. */
  private CompletableFuture<Planner.ScanReport> scanUntilSent(Planner planner, int sends) throws InterruptedException {
    CompletableFuture<Planner.ScanReport> scan = CompletableFuture.supplyAsync(() -> {
      try {
        return planner.scan(() -> true);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (producer.history().size() < sends && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return scan;
  }

  @Test
  void aScanStoppedAtTheInFlightLimitLeavesNoOfferUnpublished() throws Exception {
    int keys = JobPublisher.MAX_IN_FLIGHT + 100;
    // The first MAX_IN_FLIGHT sends go out; the next one waits for their acknowledgements.
    CompletableFuture<Planner.ScanReport> scan = scanUntilSent(planner(keys, 1, producer), JobPublisher.MAX_IN_FLIGHT);
    Thread.sleep(200);
    assertThat(producer.history()).hasSize(JobPublisher.MAX_IN_FLIGHT);
    assertThat(scan).isNotDone();

    producer.errorNext(new TimeoutException("broker gone"));
    while (producer.completeNext()) {
      // the broker acknowledges the rest
    }
    assertThatThrownBy(() -> scan.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasStackTraceContaining("broker gone");

    Set<String> acknowledged = new HashSet<>();
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    for (int i = 1; i < sent.size(); i++) { // the first send failed
      acknowledged.add(new String(sent.get(i).headers().lastHeader("des-job-id").value(), StandardCharsets.UTF_8));
    }
    List<String> pending = ledger.list(JobState.PENDING, 10 * keys).stream().map(JobRecord::jobId).toList();
    assertThat(pending).as("offers left pending").hasSize(JobPublisher.MAX_IN_FLIGHT - 1);
    assertThat(acknowledged).containsAll(pending);
  }

  @Test
  void neighbouringJobsShareMessagesAndAFailedMessageWithdrawsEachOfItsJobs() throws Exception {
    int keys = 300;
    // 300 jobs, offered 256 then 44: 16 messages of 16, then 3 of the 44 (16, 16 and 12).
    CompletableFuture<Planner.ScanReport> scan = scanUntilSent(planner(keys, 16, producer), 19);
    producer.errorNext(new TimeoutException("broker gone")); // the first message
    while (producer.completeNext()) {
      // the broker acknowledges the rest
    }
    assertThatThrownBy(() -> scan.get(30, TimeUnit.SECONDS)).hasStackTraceContaining("broker gone");

    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertThat(sent).hasSize(19);
    List<String> headerIds = new ArrayList<>();
    for (ProducerRecord<String, byte[]> record : sent) {
      List<PackJob> jobs = JobCodec.readAll(record.value());
      List<String> ids = new ArrayList<>();
      record.headers().headers("des-job-id").forEach(h -> ids.add(new String(h.value(), StandardCharsets.UTF_8)));
      assertThat(ids).isEqualTo(jobs.stream().map(PackJob::jobId).toList());
      assertThat(record.key()).isEqualTo(jobs.get(0).key().toString());
      headerIds.addAll(ids);
    }
    assertThat(headerIds).hasSize(keys).doesNotHaveDuplicates();
    List<String> pending = ledger.list(JobState.PENDING, 10 * keys).stream().map(JobRecord::jobId).toList();
    assertThat(pending).as("the failed message's 16 offers are withdrawn").hasSize(keys - 16)
        .doesNotContainAnyElementsOf(headerIds.subList(0, 16));
  }

  @Test
  void messagesAreSpreadEvenlyOverThePartitionsNotByTheirKeys() throws Exception {
    int keys = 300;
    Node broker = new Node(0, "localhost", 9092);
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      partitions.add(new PartitionInfo("jobs", p, broker, new Node[] {broker}, new Node[] {broker}));
    }
    Cluster cluster = new Cluster("test", List.of(broker), partitions, Set.of(), Set.of());
    MockProducer<String, byte[]> sixPartitions = shared(cluster, true);
    assertThat(planner(keys, 4, sixPartitions).scan(() -> true).published()).isEqualTo(keys);

    int[] perPartition = new int[6];
    for (ProducerRecord<String, byte[]> record : sixPartitions.history()) {
      assertThat(record.partition()).as("a partition chosen by the coordinator, not left to the key").isNotNull();
      perPartition[record.partition()] += JobCodec.readAll(record.value()).size();
    }
    // 300 jobs of one 10-byte file each, 4 to a message: 75 messages, 12 or 13 on each partition.
    assertThat(java.util.Arrays.stream(perPartition).boxed().toList()).allMatch(jobs -> jobs == 48 || jobs == 52);
  }
}
