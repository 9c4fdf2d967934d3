package io.des.worker;

import io.des.job.InvalidJobException;
import io.des.job.RepackJob;
import io.des.job.RepackJobCodec;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Takes repack jobs off the repack topic, one at a time, with the same commit-after-success,
 * retry and dead-letter handling as pack jobs (see {@link KafkaSetup}).
 */
class RepackJobListener {
  private static final Logger log = LoggerFactory.getLogger(RepackJobListener.class);

  private final RepackRunner runner;

  RepackJobListener(RepackRunner runner) {
    this.runner = runner;
  }

  @KafkaListener(topics = "${des.kafka.repack-topic:des.repack-jobs}", groupId = "${spring.kafka.consumer.group-id:des-workers}")
  void onJob(ConsumerRecord<String, byte[]> record) throws InvalidJobException, IOException, KeyBusyException {
    RepackJob job = RepackJobCodec.read(record.value());
    long start = System.nanoTime();
    RepackRunner.Outcome outcome;
    try {
      outcome = runner.run(job);
    } catch (KeyBusyException busy) {
      log.info("Repack job {}: {}; retried later", job.jobId(), busy.getMessage());
      throw busy;
    } catch (IOException | RuntimeException e) {
      log.warn("Repack job {} failed at {}-{}@{}: {}", job.jobId(), record.topic(), record.partition(), record.offset(), e.toString(), e);
      throw e;
    }
    log.info("Repack job {} from {}-{}@{}: {} in {} ms", job.jobId(), record.topic(), record.partition(), record.offset(), outcome,
        (System.nanoTime() - start) / 1_000_000);
  }
}
