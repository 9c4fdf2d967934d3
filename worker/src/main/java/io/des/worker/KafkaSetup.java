package io.des.worker;

import io.des.coord.JobLedger;
import io.des.job.InvalidJobException;
import io.des.job.JobCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.FixedBackOff;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Topics, retries and the dead-letter topic. A failing job is retried {@code maxAttempts} times
 * in all with exponential backoff, then published to the dead-letter topic with its cause in the
 * record headers and recorded FAILED in the ledger, and the partition moves on. Malformed or
 * unpackable jobs go there at once. A job whose key is locked by another worker (a duplicate
 * delivery still running elsewhere) is retried without limit, since it is not failing.
 */
@Configuration(proxyBeanMethods = false)
class KafkaSetup {
  private static final Logger log = LoggerFactory.getLogger(KafkaSetup.class);

  @Bean
  NewTopic jobsTopic(WorkerProperties properties) {
    return TopicBuilder.name(properties.kafka().jobsTopic()).partitions(properties.kafka().partitions()).build();
  }

  @Bean
  NewTopic repackTopic(WorkerProperties properties) {
    return TopicBuilder.name(properties.kafka().repackTopic()).partitions(properties.kafka().partitions()).build();
  }

  @Bean
  NewTopic deadLetterTopic(WorkerProperties properties) {
    return TopicBuilder.name(properties.kafka().deadLetterTopic()).partitions(1).build();
  }

  /**
   * Publishes a record to the dead-letter topic with its cause, and records each job it names FAILED
   * in the ledger (a job of the message that is DONE already stays DONE).
   */
  @Bean
  ConsumerRecordRecoverer deadLetters(KafkaTemplate<Object, Object> template, WorkerProperties properties, JobLedger ledger,
      MeterRegistry meters) {
    DeadLetterPublishingRecoverer publisher = new DeadLetterPublishingRecoverer(
        template, (record, e) -> new TopicPartition(properties.kafka().deadLetterTopic(), -1));
    return (record, e) -> {
      List<String> jobIds = jobIdsOf(record);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      log.error("Job {} goes to {}: {}", jobIds.isEmpty() ? null : String.join(", ", jobIds), properties.kafka().deadLetterTopic(),
          cause.toString());
      for (String jobId : jobIds) {
        ledger.failed(jobId, cause.toString());
      }
      meters.counter("des.worker.dead.letters", "cause", cause.getClass().getSimpleName()).increment();
      publisher.accept(record, e);
    };
  }

  @Bean
  DefaultErrorHandler errorHandler(ConsumerRecordRecoverer deadLetters, WorkerProperties properties) {
    WorkerProperties.Worker worker = properties.worker();
    ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(Math.max(0, worker.maxAttempts() - 1));
    backOff.setInitialInterval(worker.retryBackoff().toMillis());
    backOff.setMultiplier(2);
    backOff.setMaxInterval(Duration.ofSeconds(30).toMillis());
    DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, backOff);
    handler.addNotRetryableExceptions(InvalidJobException.class, UnpackableJobException.class);
    handler.setBackOffFunction((record, e) -> isKeyBusy(e)
        ? new FixedBackOff(worker.retryBackoff().toMillis(), FixedBackOff.UNLIMITED_ATTEMPTS)
        : null);
    return handler;
  }

  /** Lets a running job finish (or reach its next checkpoint) before the container stops. */
  @Bean
  ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> shutdownTimeout(WorkerProperties properties) {
    return container -> container.getContainerProperties().setShutdownTimeout(properties.worker().shutdownTimeout().toMillis());
  }

  /** Whether the failure is a busy key, under the container's wrapping exceptions. */
  private static boolean isKeyBusy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KeyBusyException) {
        return true;
      }
    }
    return false;
  }

  /** The ids of the jobs a record carries: its id headers (one per job), else from its content; empty if neither names one. */
  static List<String> jobIdsOf(ConsumerRecord<?, ?> record) {
    List<String> ids = new ArrayList<>();
    for (Header header : record.headers().headers(JobCodec.JOB_ID_HEADER)) {
      ids.add(new String(header.value(), StandardCharsets.UTF_8));
    }
    if (ids.isEmpty() && record.value() instanceof byte[] bytes) {
      try {
        JobCodec.readAll(bytes).forEach(job -> ids.add(job.jobId()));
      } catch (InvalidJobException e) {
        return List.of();
      }
    }
    return ids;
  }
}
