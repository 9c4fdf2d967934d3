package io.des.worker;

import io.des.job.InvalidJobException;
import io.des.job.JobCodec;
import io.des.job.PackJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.stereotype.Component;

/**
 * Takes messages off the jobs topic, one at a time, and runs their jobs in order (a message carries
 * one job or several small ones; {@link io.des.job.JobMessages}). The offset is committed only after
 * every job of the message returns (ack mode RECORD), so a worker that dies mid-message leaves it to
 * be redelivered, and the redelivery skips the jobs the ledger has DONE. A failure is retried, and
 * then dead-lettered, by the container's error handler (see {@link KafkaSetup}), for the whole
 * message; a job that cannot succeed ({@link UnpackableJobException}) goes to the dead-letter topic
 * on its own, and the rest of its message goes on.
 */
@Component
class JobListener {
  private static final Logger log = LoggerFactory.getLogger(JobListener.class);

  private final JobRunner runner;
  private final ConsumerRecordRecoverer deadLetters;

  JobListener(JobRunner runner, ConsumerRecordRecoverer deadLetters) {
    this.runner = runner;
    this.deadLetters = deadLetters;
  }

  @KafkaListener(topics = "${des.kafka.jobs-topic:des.pack-jobs}", groupId = "${spring.kafka.consumer.group-id:des-workers}")
  void onJobs(ConsumerRecord<String, byte[]> record) throws InvalidJobException, IOException, KeyBusyException, UnpackableJobException {
    List<PackJob> jobs = JobCodec.readAll(record.value());
    for (PackJob job : jobs) {
      try {
        run(job, record);
      } catch (UnpackableJobException e) {
        if (jobs.size() == 1) {
          throw e; // the error handler dead-letters the record as it came
        }
        deadLetters.accept(alone(job, record), new ListenerExecutionFailedException("Job " + job.jobId() + " cannot be packed", e));
      }
    }
  }

  private void run(PackJob job, ConsumerRecord<String, byte[]> record) throws IOException, KeyBusyException, UnpackableJobException {
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

  /** A record of one job of a message, as a message of that job alone would have been. */
  private static ConsumerRecord<String, byte[]> alone(PackJob job, ConsumerRecord<String, byte[]> message) {
    ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(message.topic(), message.partition(), message.offset(),
        job.key().toString(), JobCodec.write(job));
    record.headers().add(JobCodec.JOB_ID_HEADER, job.jobId().getBytes(StandardCharsets.UTF_8));
    return record;
  }
}
