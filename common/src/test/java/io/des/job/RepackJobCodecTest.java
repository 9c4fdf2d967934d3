package io.des.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepackJobCodecTest {
  private static final ShardKey KEY = ShardKey.parse("20240101_64");

  @Test
  void aJobRoundTripsAndItsIdFollowsItsContent() throws Exception {
    RepackJob job = RepackJob.of(KEY, List.of("20240101_64_0000.des"), List.of(), List.of("20240101_64_0001.des"), List.of("deleted_ratio", "purge"));
    assertThat(RepackJobCodec.read(RepackJobCodec.write(job))).isEqualTo(job);
    assertThat(job.jobId()).startsWith("20240101_64-repack-").hasSize("20240101_64-repack-".length() + 20);
    RepackJob other = RepackJob.of(KEY, List.of("20240101_64_0000_R002.des"), List.of(), List.of(), List.of("deleted_ratio"));
    assertThat(other.jobId()).isNotEqualTo(job.jobId());
  }

  @Test
  void aTamperedOrForeignJobIsRefusedWithItsReason() {
    RepackJob job = RepackJob.of(KEY, List.of("20240101_64_0000.des"), List.of(), List.of(), List.of("erasure_deadline"));
    String json = new String(RepackJobCodec.write(job), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> RepackJobCodec.read(json.replace("erasure_deadline", "corruption").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("does not match its content");
    assertThatThrownBy(() -> RepackJobCodec.read(json.replace("20240101_64_0000.des", "20240101_65_0000.des").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("not of the job's key");
    assertThatThrownBy(() -> RepackJobCodec.read(json.replace("\"repack\"", "\"pack\"").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidJobException.class).hasMessageContaining("Not a repack job");
    assertThatThrownBy(() -> RepackJobCodec.read("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidJobException.class);
    assertThatThrownBy(() -> RepackJobCodec.read(new byte[JobCodec.MAX_BYTES + 1])).isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("exceeds the limit");
    assertThatThrownBy(() -> RepackJob.of(KEY, List.of(), List.of(), List.of(), List.of("purge")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
