package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.job.JobCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds jobs a previous leader offered to the ledger but never got onto the topic (it died between
 * the two), which would otherwise stay PENDING and hold their shard key forever, and withdraws
 * them, so that the next scan offers and publishes them. A PENDING job is stranded if no record
 * from the workers' committed offsets to the end of the jobs topics (pack and repack) carries its id: records before
 * the committed offsets are done, and every record after them (waiting, or being run) is read.
 * Run by each new leader before its first scan.
 */
final class StrandedJobs {
  private static final Logger log = LoggerFactory.getLogger(StrandedJobs.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Supplier<Admin> admins;
  private final Supplier<Consumer<String, byte[]>> consumers;
  private final List<String> topics;
  private final String workerGroup;
  private final JobLedger ledger;

  StrandedJobs(Supplier<Admin> admins, Supplier<Consumer<String, byte[]>> consumers, List<String> topics, String workerGroup,
      JobLedger ledger) {
    this.admins = admins;
    this.consumers = consumers;
    this.topics = List.copyOf(topics);
    this.workerGroup = workerGroup;
    this.ledger = ledger;
  }

  /** Withdraws the stranded PENDING jobs; returns how many. */
  int release() throws Exception {
    List<JobRecord> pending = ledger.list(JobState.PENDING, 1_000_000);
    if (pending.isEmpty()) {
      return 0;
    }
    Set<String> queued = queuedJobIds();
    int released = 0;
    for (JobRecord job : pending) {
      if (!queued.contains(job.jobId())) {
        ledger.withdraw(job.jobId());
        released++;
      }
    }
    if (released > 0) {
      log.warn("Withdrew {} pending job(s) that a previous leader never published; the next scan publishes them", released);
    }
    return released;
  }

  /** The ids of the jobs on the topic after the workers' committed offsets. */
  private Set<String> queuedJobIds() throws Exception {
    Map<TopicPartition, Long> from = new HashMap<>();
    Map<TopicPartition, Long> to = new HashMap<>();
    try (Admin admin = admins.get()) {
      var described = admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      for (String topic : topics) {
        for (var p : described.get(topic).partitions()) {
          TopicPartition tp = new TopicPartition(topic, p.partition());
          latest.put(tp, OffsetSpec.latest());
          earliest.put(tp, OffsetSpec.earliest());
        }
      }
      var ends = admin.listOffsets(latest).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      var starts = admin.listOffsets(earliest).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(workerGroup)
          .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      for (TopicPartition tp : latest.keySet()) {
        OffsetAndMetadata c = committed.get(tp);
        from.put(tp, c != null ? c.offset() : starts.get(tp).offset());
        to.put(tp, ends.get(tp).offset());
      }
    }
    Set<String> ids = new HashSet<>();
    try (Consumer<String, byte[]> consumer = consumers.get()) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!reachedEnd(consumer, to)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Reading " + topics + " for queued jobs took longer than " + TIMEOUT);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          for (Header id : record.headers().headers(JobCodec.JOB_ID_HEADER)) { // one per job of the message
            ids.add(new String(id.value(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    return ids;
  }

  private static boolean reachedEnd(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> to) {
    for (Map.Entry<TopicPartition, Long> e : to.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
