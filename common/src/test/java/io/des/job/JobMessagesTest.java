package io.des.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Jobs sharing Kafka messages: limits, order, the format a worker reads, and malformed messages. */
class JobMessagesTest {
  private static final Router ROUTER = new Router(8);
  private static final CreatedAt T = CreatedAt.parse("2024-03-05T10:15:00+00:00");
  private static final JobPlanner PLANNER = new JobPlanner(8, SourceKind.LANDING, 1L << 40, JobCodec.MAX_FILES);

  /** {@code count} jobs of distinct keys of one day, each of {@code filesEach} files of 1,000 bytes. */
  private static List<PackJob> jobs(int count, int filesEach) {
    List<List<JobFile>> byKey = new ArrayList<>();
    List<ShardKey> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count || byKey.stream().anyMatch(f -> f.size() < filesEach); i++) {
      String uid = "doc-" + i;
      ShardKey key = ROUTER.route(uid, T);
      int at = keys.indexOf(key);
      if (at < 0 && keys.size() < count) {
        keys.add(key);
        byKey.add(new ArrayList<>());
        at = keys.size() - 1;
      }
      if (at >= 0 && byKey.get(at).size() < filesEach) {
        byKey.get(at).add(new JobFile(uid, T, 1_000, "/landing/files/" + uid));
      }
    }
    List<PackJob> jobs = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      jobs.add(PLANNER.plan(keys.get(k), byKey.get(k)).get(0));
    }
    return jobs;
  }

  private static List<PackJob> readAll(List<JobMessages.Message> messages) throws InvalidJobException {
    List<PackJob> read = new ArrayList<>();
    for (JobMessages.Message m : messages) {
      List<PackJob> jobs = JobCodec.readAll(m.bytes());
      assertThat(jobs).extracting(PackJob::jobId).as("the message's headers name its jobs").isEqualTo(m.jobIds());
      assertThat(m.key()).isEqualTo(jobs.get(0).key().toString());
      read.addAll(jobs);
    }
    return read;
  }

  @Test
  void neighbouringJobsShareMessagesUpToTheCount() throws Exception {
    List<PackJob> jobs = jobs(7, 3);
    List<JobMessages.Message> messages = new JobMessages(3, Long.MAX_VALUE).of(jobs);
    assertThat(messages).extracting(m -> m.jobIds().size()).containsExactly(3, 3, 1);
    assertThat(readAll(messages)).isEqualTo(jobs);
    // A message of one job is of format 1, which a worker of before format 2 reads too.
    assertThat(new String(messages.get(2).bytes(), StandardCharsets.UTF_8)).startsWith("{\"format\":1,");
    assertThat(JobCodec.read(messages.get(2).bytes())).isEqualTo(jobs.get(6));
    assertThatThrownBy(() -> JobCodec.read(messages.get(0).bytes())).isInstanceOf(InvalidJobException.class)
        .hasMessage("Job message holds 3 jobs, expected one");
  }

  @Test
  void theBytesOfFilesBoundAMessageAndALargeJobTravelsAlone() throws Exception {
    List<PackJob> jobs = new ArrayList<>(jobs(5, 2)); // 2,000 bytes each
    assertThat(new JobMessages(64, 4_000).of(jobs)).extracting(m -> m.jobIds().size()).containsExactly(2, 2, 1);
    assertThat(new JobMessages(64, 3_999).of(jobs)).extracting(m -> m.jobIds().size()).containsExactly(1, 1, 1, 1, 1);
    assertThat(new JobMessages(1, Long.MAX_VALUE).of(jobs)).hasSize(5);
  }

  @Test
  void aMessageStaysWithinKafkasLimitAndHoldsOneJobPerKey() throws Exception {
    List<PackJob> jobs = jobs(250, 60); // about 7 KB of JSON each
    long total = jobs.stream().mapToLong(j -> JobCodec.write(j).length).sum();
    assertThat(total).as("the test needs more than one message's worth").isGreaterThan(JobCodec.MAX_BYTES);
    List<JobMessages.Message> messages = new JobMessages(JobCodec.MAX_JOBS, Long.MAX_VALUE).of(jobs);
    assertThat(messages).hasSizeGreaterThan(1).allMatch(m -> m.bytes().length <= JobCodec.MAX_BYTES);
    assertThat(readAll(messages)).isEqualTo(jobs);

    // Two jobs of one key (the second waits for the first in the coordinator; never one message).
    PackJob first = jobs.get(0);
    PackJob second = PLANNER.plan(first.key(), first.files().subList(0, 1)).get(0);
    assertThat(new JobMessages(64, Long.MAX_VALUE).of(List.of(first, second))).hasSize(2);
  }

  @Test
  void malformedMessagesOfSeveralJobsAreRefusedWithTheReason() {
    List<PackJob> jobs = jobs(2, 2);
    String a = new String(JobCodec.write(jobs.get(0)), StandardCharsets.UTF_8);
    String b = new String(JobCodec.write(jobs.get(1)), StandardCharsets.UTF_8);
    assertRefused("{\"format\":2}", "has no jobs array");
    assertRefused("{\"format\":2,\"jobs\":[]}", "has no jobs array");
    assertRefused("{\"format\":2,\"jobs\":[" + a + ",7]}", "Job 2 of the message is not a JSON object");
    assertRefused("{\"format\":2,\"jobs\":[" + a + "," + a + "]}", "appears twice in one message");
    PackJob sameKey = PLANNER.plan(jobs.get(0).key(), jobs.get(0).files().subList(0, 1)).get(0);
    assertRefused("{\"format\":2,\"jobs\":[" + a + "," + new String(JobCodec.write(sameKey), StandardCharsets.UTF_8) + "]}",
        "a message holds one job per shard key");
    assertRefused("{\"format\":2,\"jobs\":[" + a + "," + b.replace("/landing/files/", "/tampered/") + "]}", "does not match its content");
    String many = "{\"format\":2,\"jobs\":[" + String.join(",", java.util.Collections.nCopies(JobCodec.MAX_JOBS + 1, a)) + "]}";
    assertRefused(many, "more than " + JobCodec.MAX_JOBS);
  }

  private static void assertRefused(String json, String reason) {
    assertThatThrownBy(() -> JobCodec.readAll(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidJobException.class)
        .hasMessageContaining(reason);
  }
}
