package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.coord.JobRecord;
import io.des.coord.JobState;
import io.des.coord.LocalJobLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * Publishing is pipelined and a failed publish withdraws its offer. The producer is Kafka's
 * {@link MockProducer} with automatic completion off: the test decides when and how the broker
 * answers each send (the fault switch); the real broker path is covered by the fleet tests.
 */
class JobPublisherTest {
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private final KafkaTemplate<String, byte[]> kafka = new KafkaTemplate<>(new MockProducerFactory<>(() -> producer));
  private final LocalJobLedger ledger = new LocalJobLedger();
  private final JobPublisher publisher = new JobPublisher(kafka, ledger);

  private void offerAndSend(String jobId) throws Exception {
    assertThat(ledger.offer(jobId, "20240101_" + jobId, 1, 1)).isTrue();
    publisher.send("jobs", "20240101_" + jobId, jobId, jobId.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sendsDoNotWaitForTheBroker() throws Exception {
    // The broker has answered nothing yet: a publisher that waited for each acknowledgement would
    // still be blocked in the first send.
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      try {
        offerAndSend("A1");
        offerAndSend("A2");
        offerAndSend("A3");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    sending.get(10, TimeUnit.SECONDS);
    assertThat(producer.history()).hasSize(3);
    assertThat(producer.history().get(0).headers().lastHeader("des-job-id").value()).asString(StandardCharsets.UTF_8).isEqualTo("A1");

    while (producer.completeNext()) {
      // the broker acknowledges all three
    }
    publisher.flush();
    for (String id : new String[] {"A1", "A2", "A3"}) {
      assertThat(ledger.get(id)).map(JobRecord::state).contains(JobState.PENDING);
    }
  }

  @Test
  void aFailedSendWithdrawsItsOfferAndFlushReportsIt() throws Exception {
    offerAndSend("B1");
    offerAndSend("B2");
    offerAndSend("B3");
    producer.completeNext();
    producer.errorNext(new TimeoutException("broker gone"));
    producer.completeNext();

    assertThatThrownBy(publisher::flush)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("B2")
        .hasMessageContaining("broker gone");
    assertThat(ledger.get("B1")).map(JobRecord::state).contains(JobState.PENDING);
    assertThat(ledger.get("B2")).isEqualTo(Optional.empty()); // offered again by the next scan
    assertThat(ledger.get("B3")).map(JobRecord::state).contains(JobState.PENDING);

    // Flushed once: nothing is left in flight.
    publisher.flush();
  }
}
