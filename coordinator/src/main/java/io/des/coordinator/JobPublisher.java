package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.job.JobCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes a job the ledger just recorded as offered, keyed by its shard key and with its id in a
 * header; when the publish fails the offer is withdrawn, so that the next scan offers it again.
 */
final class JobPublisher {
  private final KafkaTemplate<String, byte[]> kafka;
  private final JobLedger ledger;

  JobPublisher(KafkaTemplate<String, byte[]> kafka, JobLedger ledger) {
    this.kafka = kafka;
    this.ledger = ledger;
  }

  void publish(String topic, String shardKey, String jobId, byte[] message) throws InterruptedException, IOException {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, shardKey, message);
    record.headers().add(JobCodec.JOB_ID_HEADER, jobId.getBytes(StandardCharsets.UTF_8));
    try {
      kafka.send(record).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      ledger.withdraw(jobId);
      throw new IOException("Publishing job " + jobId + " to " + topic + " failed: " + e, e);
    }
  }
}
