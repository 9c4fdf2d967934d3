package io.des.job;

import io.des.routing.ShardKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts jobs into Kafka messages: neighbouring jobs (in the order given, which the coordinator sorts
 * by shard key) share a message while it stays within {@code maxJobs}, {@code maxBytes} of files and
 * {@link JobCodec#MAX_BYTES} encoded. A job is the unit of the ledger, the lock, the checkpoint and
 * the catalog commit; a message is the unit of Kafka's produce, fetch and offset commit. Small jobs
 * (a busy day spread over many shard keys makes thousands of jobs of a few hundred KB) would
 * otherwise pay a round trip to the broker and an offset commit each; a large job travels alone.
 */
public final class JobMessages {
  /**
   * One message: the Kafka record key (the first job's shard key), the jobs' ids (one record header
   * each), the bytes, and how many bytes of files its jobs name together.
   */
  public record Message(String key, List<String> jobIds, byte[] bytes, long fileBytes) {
    public Message {
      jobIds = List.copyOf(jobIds);
    }
  }

  private final int maxJobs;
  private final long maxBytes;

  /**
   * @param maxJobs most jobs in one message (1 publishes each job alone)
   * @param maxBytes most bytes of files the jobs of one message name together
   */
  public JobMessages(int maxJobs, long maxBytes) {
    if (maxJobs < 1 || maxJobs > JobCodec.MAX_JOBS || maxBytes < 1) {
      throw new IllegalArgumentException("Jobs per message must be 1 to " + JobCodec.MAX_JOBS + " and bytes per message positive: "
          + maxJobs + " jobs, " + maxBytes + " bytes");
    }
    this.maxJobs = maxJobs;
    this.maxBytes = maxBytes;
  }

  /** The messages for these jobs, in order; each job is in exactly one. */
  public List<Message> of(List<PackJob> jobs) {
    List<Message> messages = new ArrayList<>();
    List<PackJob> current = new ArrayList<>();
    Set<ShardKey> keys = new HashSet<>();
    List<byte[]> encoded = new ArrayList<>();
    long bytes = 0;
    int size = 0;
    for (PackJob job : jobs) {
      byte[] one = JobCodec.write(job);
      boolean fits = current.size() < maxJobs
          && bytes + job.bytes() <= maxBytes
          && size + one.length + JobCodec.severalOverhead(current.size() + 1) <= JobCodec.MAX_BYTES
          && !keys.contains(job.key());
      if (!current.isEmpty() && !fits) {
        messages.add(message(current, encoded));
        current = new ArrayList<>();
        keys.clear();
        encoded = new ArrayList<>();
        bytes = 0;
        size = 0;
      }
      current.add(job);
      keys.add(job.key());
      encoded.add(one);
      bytes += job.bytes();
      size += one.length;
    }
    if (!current.isEmpty()) {
      messages.add(message(current, encoded));
    }
    return messages;
  }

  private static Message message(List<PackJob> jobs, List<byte[]> encoded) {
    // One job keeps format 1, which workers from before format 2 read too.
    byte[] bytes = jobs.size() == 1 ? encoded.get(0) : JobCodec.writeSeveral(encoded);
    return new Message(jobs.get(0).key().toString(), jobs.stream().map(PackJob::jobId).toList(), bytes,
        jobs.stream().mapToLong(PackJob::bytes).sum());
  }
}
