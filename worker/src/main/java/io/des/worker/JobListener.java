package io.des.worker;

import io.des.job.InvalidJobException;
import io.des.job.JobCodec;
import io.des.job.PackJob;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes pack jobs off the jobs topic, one at a time. The offset is committed only after the job
 * returns (ack mode RECORD), so a worker that dies mid-job leaves it to be redelivered; failures
 * are retried and then dead-lettered by the container's error handler (see {@link KafkaSetup}).
 */
@Component
class JobListener {
  private static final Logger log = LoggerFactory.getLogger(JobListener.class);

  private final JobRunner runner;

  JobListener(JobRunner runner) {
    this.runner = runner;
  }

  @KafkaListener(topics = "${des.kafka.jobs-topic:des.pack-jobs}", groupId = "${spring.kafka.consumer.group-id:des-workers}")
  void onJob(ConsumerRecord<String, byte[]> record)
      throws InvalidJobException, IOException, KeyBusyException, UnpackableJobException {
    PackJob job = JobCodec.read(record.value());
    long start = System.nanoTime();
    JobRunner.Outcome outcome;
    try {
      outcome = runner.run(job);
    } catch (KeyBusyException busy) {
      log.info("Job {}: {}; retried later", job.jobId(), busy.getMessage());
      throw busy;
    } catch (IOException | RuntimeException | UnpackableJobException e) {
      log.warn("Job {} failed at {}-{}@{}: {}", job.jobId(), record.topic(), record.partition(), record.offset(), e.toString(), e);
      throw e;
    }
    log.info("Job {} ({} files, {} bytes) from {}-{}@{}: {} in {} ms", job.jobId(), job.files().size(), job.bytes(),
        record.topic(), record.partition(), record.offset(), outcome, (System.nanoTime() - start) / 1_000_000);
  }
}
