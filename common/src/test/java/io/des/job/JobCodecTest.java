package io.des.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Job messages: round trips, stable ids, and every way a message can be wrong. */
class JobCodecTest {
  private static final Router ROUTER = new Router(8);
  private static final CreatedAt T = CreatedAt.parse("2024-03-05T10:15:00+00:00");

  /** Files that all route to one key: the key of "doc-0". */
  private static List<JobFile> filesOfOneKey(int count) {
    ShardKey key = ROUTER.route("doc-0", T);
    List<JobFile> files = new ArrayList<>();
    for (int i = 0; files.size() < count; i++) {
      if (ROUTER.route("doc-" + i, T).equals(key)) {
        files.add(new JobFile("doc-" + i, T, 100 + i, "/landing/files/doc-" + i));
      }
    }
    return files;
  }

  private static PackJob job(List<JobFile> files) {
    return new JobPlanner(8, SourceKind.LANDING, 1 << 30, 1000).plan(ROUTER.route(files.get(0).uid(), T), files).get(0);
  }

  private static String json(PackJob job) {
    return new String(JobCodec.write(job), StandardCharsets.UTF_8);
  }

  private static PackJob read(String json) throws InvalidJobException {
    return JobCodec.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aJobReadsBackEqual() throws Exception {
    PackJob job = job(filesOfOneKey(5));
    assertThat(JobCodec.read(JobCodec.write(job))).isEqualTo(job);
  }

  @Test
  void aJobIsWrittenInTheDocumentedForm() {
    PackJob job = job(filesOfOneKey(2));
    JobFile a = job.files().get(0), b = job.files().get(1);
    // Format 1 as docs/fleet.md shows it: workers of every version read this.
    assertThat(json(job)).isEqualTo("{\"format\":1,\"job_id\":\"" + job.jobId() + "\",\"key\":\"" + job.key()
        + "\",\"n_bits\":8,\"source\":\"LANDING\",\"files\":["
        + "{\"uid\":\"" + a.uid() + "\",\"created_at\":\"" + T.toIso() + "\",\"size\":" + a.size() + ",\"location\":\"" + a.location() + "\"},"
        + "{\"uid\":\"" + b.uid() + "\",\"created_at\":\"" + T.toIso() + "\",\"size\":" + b.size() + ",\"location\":\"" + b.location() + "\"}]}");
  }

  @Test
  void theIdIsAFunctionOfTheContentAndIsFrozen() {
    List<JobFile> files = filesOfOneKey(3);
    PackJob job = job(files);
    assertThat(job(new ArrayList<>(files)).jobId()).isEqualTo(job.jobId());
    // Ledgers recognise pending work by this id: changing how it is computed re-publishes everything.
    assertThat(job.jobId()).isEqualTo(job.key() + "-" + "fd1c881255e35eebaad6");
    List<JobFile> changed = new ArrayList<>(files);
    JobFile first = changed.get(0);
    changed.set(0, new JobFile(first.uid(), first.createdAt(), first.size() + 1, first.location()));
    assertThat(job(changed).jobId()).isNotEqualTo(job.jobId());
  }

  @Test
  void planningSplitsByBytesAndByFiles() {
    List<JobFile> files = filesOfOneKey(10);
    ShardKey key = ROUTER.route(files.get(0).uid(), T);
    assertThat(new JobPlanner(8, SourceKind.LANDING, 1 << 30, 4).plan(key, files))
        .extracting(j -> j.files().size()).containsExactly(4, 4, 2);
    long firstTwo = files.get(0).size() + files.get(1).size();
    assertThat(new JobPlanner(8, SourceKind.LANDING, firstTwo, 100).plan(key, files).get(0).files())
        .containsExactly(files.get(0), files.get(1));
    assertThat(new JobPlanner(8, SourceKind.LANDING, 1, 100).plan(key, files)).hasSize(10);
  }

  @Test
  void jobsOfLongNamesAreCutToFitOneMessage() throws Exception {
    // 5,000 files with 40-character uids and 100-character locations are about 1.09 MB as one job.
    ShardKey key = ROUTER.route("0".repeat(40), T);
    List<JobFile> files = new ArrayList<>();
    for (int i = 0; files.size() < JobCodec.MAX_FILES; i++) {
      String uid = String.format("%040d", i);
      if (ROUTER.route(uid, T).equals(key)) {
        files.add(new JobFile(uid, T, 1000, "/landing/" + "x".repeat(51) + "/" + uid));
      }
    }
    List<PackJob> jobs = new JobPlanner(8, SourceKind.LANDING, 1L << 40, JobCodec.MAX_FILES).plan(key, files);
    assertThat(jobs).hasSizeGreaterThan(1);
    List<JobFile> again = new ArrayList<>();
    for (PackJob job : jobs) {
      byte[] message = JobCodec.write(job);
      assertThat(message.length).isLessThanOrEqualTo(JobCodec.MAX_BYTES);
      again.addAll(JobCodec.read(message).files());
    }
    assertThat(again).isEqualTo(files);
  }

  @Test
  void malformedMessagesAreRefusedWithTheReason() {
    PackJob job = job(filesOfOneKey(2));
    String good = json(job);
    String uid = job.files().get(0).uid();
    assertRefused("", "Empty job message");
    assertRefused("[1,2]", "Job message is not a JSON object");
    assertRefused("{\"format\":", "Job message is not JSON");
    assertRefused(good.replace("\"format\":1", "\"format\":3"), "Job format 3 is not supported (expected 1 or 2)");
    assertRefused(good.replace("\"job_id\":\"" + job.jobId() + "\"", "\"job_id\":\"\""), "job: missing or empty text field 'job_id'");
    assertRefused(good.replace("\"source\":\"LANDING\"", "\"source\":\"FTP\""), "No enum constant");
    assertRefused(good.replace("\"n_bits\":8", "\"n_bits\":99"), "n_bits");
    assertRefused(good.replaceFirst("\"size\":\\d+", "\"size\":-1"), "file 1: size must be a non-negative integer, got -1");
    assertRefused(good.replaceFirst("\"size\":\\d+", "\"size\":\"big\""), "file 1: size must be a non-negative integer");
    assertRefused(good.replaceFirst("\"created_at\":\"[^\"]+\"", "\"created_at\":\"yesterday\""), "yesterday");
    assertRefused(good.replace("\"uid\":\"" + uid + "\"", "\"uid\":\"" + job.files().get(1).uid() + "\""), "file 2: duplicate uid");
    assertRefused(good.replace("\"uid\":\"" + uid + "\"", "\"uid\":\"elsewhere\""), "uid 'elsewhere' routes to");
    assertRefused(good.replace("/landing/files/", "/tampered/"), "does not match its content");
    assertRefused("{\"format\":1,\"job_id\":\"j\",\"key\":\"20240305_0A\",\"n_bits\":8,\"source\":\"LANDING\",\"files\":[]}", "Job j has no files array");
  }

  @Test
  void anOversizedMessageIsRefusedBeforeParsing() {
    byte[] huge = new byte[JobCodec.MAX_BYTES + 1];
    assertThatThrownBy(() -> JobCodec.read(huge))
        .isInstanceOf(InvalidJobException.class)
        .hasMessage("Job message of 1000001 bytes exceeds the limit of 1000000");
  }

  private static void assertRefused(String json, String reason) {
    assertThatThrownBy(() -> read(json)).isInstanceOf(InvalidJobException.class).hasMessageContaining(reason);
  }
}
