package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.job.JobCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes jobs the ledger just recorded as offered, keyed by their (first) shard key and with
 * their ids in headers; when a publish fails its offers are withdrawn, so that the next scan offers
 * them again.
 *
 * <p>Sends are pipelined: {@link #send} does not wait for the broker, {@link #flush} waits for
 * every send so far (at most {@link #MAX_IN_FLIGHT_BYTES} or {@link #MAX_IN_FLIGHT} are in flight;
 * a send past either flushes first). Waiting for each acknowledgement in turn capped a scan at one
 * job per broker round trip plus the producer's linger, about 100 jobs a second, which starved the
 * workers while a large backlog was published (docs/performance.md).
 */
final class JobPublisher {
  static final int MAX_IN_FLIGHT = 1_000;
  static final long MAX_IN_FLIGHT_BYTES = 8L << 20;
  private static final long ACK_TIMEOUT_SECONDS = 30;

  private final KafkaTemplate<String, byte[]> kafka;
  private final JobLedger ledger;
  private final List<Sent> inFlight = new ArrayList<>();
  private long inFlightBytes;

  private record Sent(String topic, List<String> jobIds, CompletableFuture<SendResult<String, byte[]>> ack) {}

  JobPublisher(KafkaTemplate<String, byte[]> kafka, JobLedger ledger) {
    this.kafka = kafka;
    this.ledger = ledger;
  }

  /** Publishes one job and waits for the broker's acknowledgement. */
  void publish(String topic, String shardKey, String jobId, byte[] message) throws InterruptedException, IOException {
    send(topic, shardKey, jobId, message);
    flush();
  }

  /**
   * Starts publishing one job; its outcome is known at the next {@link #flush}.
   *
   * @throws IOException if an earlier send failed (when the in-flight limit made this one wait)
   */
  void send(String topic, String shardKey, String jobId, byte[] message) throws InterruptedException, IOException {
    send(topic, null, shardKey, List.of(jobId), message);
  }

  /**
   * Starts publishing a message of several jobs ({@link io.des.job.JobMessages}), one id header
   * per job, to {@code partition} (null: the key's); if it fails, all their offers are withdrawn.
   */
  void send(String topic, Integer partition, String key, List<String> jobIds, byte[] message) throws InterruptedException, IOException {
    if (inFlight.size() >= MAX_IN_FLIGHT || inFlightBytes + message.length > MAX_IN_FLIGHT_BYTES) {
      flush();
    }
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, key, message);
    for (String jobId : jobIds) {
      record.headers().add(JobCodec.JOB_ID_HEADER, jobId.getBytes(StandardCharsets.UTF_8));
    }
    CompletableFuture<SendResult<String, byte[]>> ack;
    try {
      ack = kafka.send(record);
    } catch (RuntimeException e) {
      ack = CompletableFuture.failedFuture(e); // e.g. the producer's buffer stayed full past max.block.ms
    }
    inFlight.add(new Sent(topic, jobIds, ack));
    inFlightBytes += message.length;
  }

  /**
   * Waits for every job sent since the last flush; the offers of those that failed are withdrawn.
   *
   * @throws IOException naming the first failure and how many failed, after all were awaited
   */
  void flush() throws InterruptedException, IOException {
    List<Sent> sent = List.copyOf(inFlight);
    inFlight.clear();
    inFlightBytes = 0;
    IOException first = null;
    int failed = 0;
    for (Sent s : sent) {
      try {
        s.ack().get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        s.jobIds().forEach(ledger::withdraw);
        failed += s.jobIds().size();
        if (first == null) {
          String what = s.jobIds().size() == 1 ? "job " + s.jobIds().get(0) : s.jobIds().size() + " jobs from " + s.jobIds().get(0);
          first = new IOException("Publishing " + what + " to " + s.topic() + " failed: " + rootCause(e), e);
        }
      }
    }
    if (first != null) {
      if (failed > 1) {
        first.addSuppressed(new IOException((failed - 1) + " more jobs of the same flush failed and were withdrawn"));
      }
      throw first;
    }
  }

  /** The innermost cause: the template wraps the broker's error in "Failed to send". */
  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
