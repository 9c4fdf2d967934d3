package io.des.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads and writes the fleet's topics from the test, as a client of its own. */
final class Topics {
  private Topics() {}

  static void send(String brokers, ProducerRecord<String, byte[]> record) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      producer.send(record).get();
    }
  }

  /**
   * Waits until {@code members} consumers of {@code group} each hold some of {@code topic}'s
   * partitions and together hold all {@code partitions}: a worker reports healthy before its
   * consumers have joined, and a job published while the group is still forming may go to a consumer
   * that is busy with another. Returns the members' partition counts as it last saw them.
   */
  static List<Integer> awaitSpread(String brokers, String group, String topic, int members, int partitions, Duration timeout)
      throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<Integer> counts = List.of();
      while (System.nanoTime() < deadline) {
        var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        counts = new ArrayList<>();
        Set<Integer> held = new HashSet<>();
        for (MemberDescription member : description.members()) {
          Set<Integer> mine = member.assignment().topicPartitions().stream()
              .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).collect(Collectors.toSet());
          if (!mine.isEmpty()) {
            counts.add(mine.size());
            held.addAll(mine);
          }
        }
        if (counts.size() == members && held.size() == partitions) {
          return counts;
        }
        Thread.sleep(200);
      }
      throw new AssertionError("group " + group + " did not spread " + topic + " over " + members + " consumers in " + timeout
          + "; last seen partitions per consumer: " + counts);
    }
  }

  /** Every record of the topic from the beginning, reading until {@code quiet} passes without one. */
  static List<ConsumerRecord<String, byte[]>> readAll(String brokers, String topic, int atLeast, Duration timeout) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
        ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      int emptyPolls = 0;
      while (System.nanoTime() < deadline && (records.size() < atLeast || emptyPolls < 3)) {
        var batch = consumer.poll(Duration.ofMillis(500));
        batch.forEach(records::add);
        emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
      }
    }
    return records;
  }
}
