package io.des.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The checkpoint a worker saves for a job, and the earlier form it must still read. */
class JobProgressTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PACK = "{\"format\":1,\"shard\":\"20240101_A7_0001.des\",\"upload_length\":4096,"
      + "\"upload_token\":\"2~abc\",\"position\":4096,\"entries\":2,\"index\":\"" + "QUJD".repeat(500) + "\"}";

  @Test
  void thePackersCheckpointIsEmbeddedAsJsonNotEncodedAgain() {
    JobProgress progress = new JobProgress(JobProgress.Phase.PACKING, List.of("a.des"), 3, 1, Map.of("u1", "size mismatch"),
        PACK.getBytes(StandardCharsets.UTF_8));

    byte[] saved = progress.toJson();

    assertThat(new String(saved, StandardCharsets.UTF_8)).contains("\"pack\":{\"format\":1,");
    assertThat(saved.length).as("bytes saved for a pack checkpoint of %d", PACK.length()).isLessThan(PACK.length() + 200);
    JobProgress read = JobProgress.fromJson(saved);
    assertThat(read.phase()).isEqualTo(JobProgress.Phase.PACKING);
    assertThat(read.shards()).containsExactly("a.des");
    assertThat(read.packed()).isEqualTo(3);
    assertThat(read.skipped()).isEqualTo(1);
    assertThat(read.rejected()).containsExactly(Map.entry("u1", "size mismatch"));
    assertThat(JSON.readTree(read.pack())).isEqualTo(JSON.readTree(PACK));
  }

  @Test
  void aCheckpointWithoutAPackReadsBackWithout() {
    JobProgress committed = new JobProgress(JobProgress.Phase.COMMITTED, List.of("a.des", "b.des"), 10, 0, Map.of(), null);

    JobProgress read = JobProgress.fromJson(committed.toJson());

    assertThat(read.phase()).isEqualTo(JobProgress.Phase.COMMITTED);
    assertThat(read.shards()).containsExactly("a.des", "b.des");
    assertThat(read.pack()).isNull();
  }

  @Test
  void aCheckpointSavedInTheEarlierFormWithThePackInBase64IsStillRead() {
    // As workers saved checkpoints before 2026-11-27; one may be waiting in Redis for a successor.
    String earlier = "{\"phase\":\"PACKING\",\"shards\":[],\"packed\":0,\"skipped\":0,\"rejected\":{\"u9\":\"missing\"},\"pack\":\""
        + Base64.getEncoder().encodeToString(PACK.getBytes(StandardCharsets.UTF_8)) + "\"}";

    JobProgress read = JobProgress.fromJson(earlier.getBytes(StandardCharsets.UTF_8));

    assertThat(read.phase()).isEqualTo(JobProgress.Phase.PACKING);
    assertThat(read.rejected()).containsExactly(Map.entry("u9", "missing"));
    assertThat(read.pack()).isEqualTo(PACK.getBytes(StandardCharsets.UTF_8));
  }
}
