package io.des.coordinator;

import java.util.List;
import org.apache.kafka.common.PartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Chooses the partition of each message of one scan: the one given the fewest bytes of files so
 * far. A partition is worked by one consumer at a time, in order, and idle consumers cannot take
 * work from another partition; hashing the messages' keys instead left one partition with seconds
 * of work after the others were empty (docs/performance.md). A key's jobs never run at the same time
 * (the coordinator publishes a key's next job once its last is done), so a key needs no fixed
 * partition.
 */
final class PartitionSpread {
  private static final Logger log = LoggerFactory.getLogger(PartitionSpread.class);

  private final long[] bytes;

  private PartitionSpread(int partitions) {
    this.bytes = new long[partitions];
  }

  /** A spread over the topic's partitions as the producer knows them; none (key hashing) if it cannot tell. */
  static PartitionSpread of(KafkaTemplate<String, byte[]> kafka, String topic) {
    try {
      List<PartitionInfo> partitions = kafka.partitionsFor(topic);
      return new PartitionSpread(partitions == null ? 0 : partitions.size());
    } catch (RuntimeException e) {
      log.warn("Partitions of {} unknown ({}); messages go by key", topic, e.toString());
      return new PartitionSpread(0);
    }
  }

  /** The partition for a message naming {@code fileBytes} bytes of files, or null to let the key decide. */
  Integer next(long fileBytes) {
    if (bytes.length == 0) {
      return null;
    }
    int least = 0;
    for (int p = 1; p < bytes.length; p++) {
      if (bytes[p] < bytes[least]) {
        least = p;
      }
    }
    bytes[least] += Math.max(1, fileBytes);
    return least;
  }
}
