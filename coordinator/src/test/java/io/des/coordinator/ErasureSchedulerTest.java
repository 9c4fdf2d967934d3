package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.coord.JobState;
import io.des.coord.LocalJobLedger;
import io.des.format.ReaderLimits;
import io.des.job.RepackJob;
import io.des.job.RepackJobCodec;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.repack.RepackListener;
import io.des.repack.RepackOptions;
import io.des.repack.Repacker;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.LocalBlobStore;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.Tombstone;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * When the coordinator sends a repack job for a key, decided on a real archive: twenty files in one
 * shard of one key, some of them deleted.
 */
class ErasureSchedulerTest {
  @TempDir Path tmp;
  private static final Instant T0 = Instant.parse("2024-06-01T12:00:00Z");
  private static final CreatedAt DAY = CreatedAt.parse("2024-05-01T10:00:00Z");
  private static final Duration WINDOW = Duration.ofHours(48);
  private Archive archive;
  private ShardKey key;
  private List<String> uids;

  @BeforeEach
  void packOneShard() throws Exception {
    archive = Archive.create(new LocalBlobStore(tmp.resolve("archive")), 8, ReaderLimits.DEFAULTS);
    uids = new ArrayList<>();
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String uid = Integer.toString(7 + 256 * i); // numeric uids mod 256 = 7: all in shard key 07
      uids.add(uid);
      Path p = Files.writeString(tmp.resolve(uid), "content of " + uid);
      files.add(new SourceFile(uid, DAY, -1, p, uid));
    }
    try (Packer packer = new Packer(archive, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files);
    }
    key = archive.router().route(uids.get(0), DAY);
  }

  private void delete(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      archive.tombstones().add(new Tombstone(key, uids.get(i), DAY.toIso(), T0, "test", DeletionReason.GDPR, null, T0.plus(WINDOW)));
    }
  }

  private ErasureScheduler scheduler(Instant now, KafkaTemplate<String, byte[]> kafka, LocalJobLedger ledger) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    Repacker repacker = new Repacker(archive, RepackOptions.defaults(), clock);
    return new ErasureScheduler(null, archive, repacker, prefix -> Stream.of(), ledger, kafka, "repack", 0.1, Duration.ofHours(24),
        Duration.ofMinutes(10), clock, new SimpleMeterRegistry());
  }

  private RepackJob decide(Instant now, Set<String> corrupt) throws Exception {
    return scheduler(now, null, new LocalJobLedger()).decide(key, T0.plus(WINDOW), corrupt, now);
  }

  @Test
  void aFewDeletionsWaitForTheDeadlineAndManyGoAtOnce() throws Exception {
    delete(1); // 5% of the shard
    assertThat(decide(T0.plusSeconds(60), Set.of())).as("below the ratio, deadline far").isNull();
    RepackJob nearDeadline = decide(T0.plus(Duration.ofHours(24)), Set.of());
    assertThat(nearDeadline.reasons()).containsExactly("erasure_deadline");
    assertThat(nearDeadline.shards()).hasSize(1);

    delete(3); // 15%
    assertThat(decide(T0.plusSeconds(60), Set.of()).reasons()).containsExactly("deleted_ratio");
  }

  @Test
  void aRepackedKeyWaitsForItsGraceThenPurges() throws Exception {
    delete(3);
    new Repacker(archive, RepackOptions.defaults(), Clock.fixed(T0, ZoneOffset.UTC)).run(key, 1, Set.of(), RepackListener.NONE);

    assertThat(decide(T0.plus(Duration.ofMinutes(30)), Set.of())).as("retired, grace not over, nothing live to repack").isNull();
    RepackJob purge = decide(T0.plus(Duration.ofMinutes(61)), Set.of());
    assertThat(purge.reasons()).containsExactly("purge");
    assertThat(purge.purge()).hasSize(1);
  }

  @Test
  void anOldOrphanOfAKeyWithDeletionsIsPurged() throws Exception {
    delete(1);
    String live = archive.catalog().load(key).shards().get(0).name();
    String orphan = live.replace("_0000.des", "_0005.des");
    Files.copy(tmp.resolve("archive").resolve(live), tmp.resolve("archive").resolve(orphan));
    Files.setLastModifiedTime(tmp.resolve("archive").resolve(orphan), java.nio.file.attribute.FileTime.from(T0.minus(Duration.ofDays(1))));

    RepackJob job = decide(T0.plusSeconds(60), Set.of());

    assertThat(job.reasons()).containsExactly("purge");
    assertThat(job.purge()).containsExactly(orphan);
  }

  @Test
  void onlyALiveCorruptShardIsRepacked() throws Exception {
    String live = archive.catalog().load(key).shards().get(0).name();
    assertThat(decide(T0, Set.of(live)).reasons()).containsExactly("corruption");
    assertThat(decide(T0, Set.of(live.replace(".des", "_R009.des")))).as("a version no longer live").isNull();
  }

  @Test
  void aFailedJobIsSentAgainAsANewJobAfterAPause() throws Exception {
    delete(3);
    Instant failedAt = T0.plusSeconds(60);
    LocalJobLedger ledger = new LocalJobLedger(Duration.ofDays(7), Clock.fixed(failedAt, ZoneOffset.UTC));
    RepackJob first = scheduler(failedAt, null, ledger).decide(key, T0.plus(WINDOW), Set.of(), failedAt);
    ledger.offer(first.jobId(), key.toString(), 3, 0);
    ledger.failed(first.jobId(), "dead-lettered");

    assertThat(scheduler(failedAt.plusSeconds(60), null, ledger).afterFailures(first, failedAt.plusSeconds(60)))
        .as("failed a minute ago: wait").isNull();
    RepackJob retry = scheduler(failedAt.plus(Duration.ofMinutes(11)), null, ledger).afterFailures(first, failedAt.plus(Duration.ofMinutes(11)));
    assertThat(retry.reasons()).containsExactly("deleted_ratio", "retry_1");
    assertThat(retry.jobId()).isNotEqualTo(first.jobId());
    assertThat(ledger.offer(retry.jobId(), key.toString(), 3, 0)).as("a new id: offered").isTrue();

    ledger.failed(retry.jobId(), "dead-lettered again");
    RepackJob second = scheduler(failedAt.plus(Duration.ofMinutes(22)), null, ledger).afterFailures(first, failedAt.plus(Duration.ofMinutes(22)));
    assertThat(second.reasons()).endsWith("retry_2");
    ledger.done(second.jobId(), "ok");
    assertThat(scheduler(failedAt.plus(Duration.ofMinutes(33)), null, ledger).afterFailures(first, failedAt.plus(Duration.ofMinutes(33))))
        .as("done jobs are offered again as they are (the ledger takes a done id back)").isEqualTo(second);
  }

  @Test
  void aScanPublishesOneJobPerKeyAndReportsWhatIsPending() throws Exception {
    delete(3);
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1, "repack");
    broker.afterPropertiesSet();
    try {
      KafkaTemplate<String, byte[]> kafka = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
      LocalJobLedger ledger = new LocalJobLedger();
      Instant now = T0.plus(Duration.ofHours(49));
      ErasureScheduler scheduler = scheduler(now, kafka, ledger);

      ErasureScheduler.ScanReport first = scheduler.scan(() -> true);
      ErasureScheduler.ScanReport second = scheduler.scan(() -> true);

      assertThat(first.published()).isEqualTo(1);
      assertThat(first.pending()).isEqualTo(3);
      assertThat(first.overdue()).as("erase_by passed an hour ago").isEqualTo(3);
      assertThat(scheduler.oldestPendingAgeSeconds()).isEqualTo(Duration.ofHours(49).toSeconds());
      assertThat(second.published()).as("the job is pending: not sent twice").isZero();
      assertThat(second.alreadyKnown()).isEqualTo(1);
      assertThat(ledger.counts().pendingJobs()).isEqualTo(1);

      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
          ConsumerConfig.GROUP_ID_CONFIG, "test",
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
        consumer.subscribe(List.of("repack"));
        List<RepackJob> jobs = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (jobs.isEmpty() && System.nanoTime() < deadline) {
          ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
          for (ConsumerRecord<String, byte[]> r : records) {
            jobs.add(RepackJobCodec.read(r.value()));
            assertThat(r.key()).isEqualTo(key.toString());
          }
        }
        assertThat(jobs).singleElement().satisfies(job -> {
          assertThat(job.key()).isEqualTo(key);
          assertThat(job.reasons()).containsExactly("deleted_ratio");
          assertThat(ledger.get(job.jobId()).orElseThrow().state()).isEqualTo(JobState.PENDING);
        });
      }
    } finally {
      broker.destroy();
    }
  }
}
