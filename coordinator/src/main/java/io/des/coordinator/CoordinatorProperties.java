package io.des.coordinator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The coordinator's settings, under {@code des.} (the names it shares with the worker mean the
 * same; docs/fleet.md).
 */
@ConfigurationProperties("des")
public record CoordinatorProperties(
    String store,
    URI s3Endpoint,
    @DefaultValue("8") int nBits,
    @DefaultValue Redis redis,
    @DefaultValue Kafka kafka,
    @DefaultValue Coordinator coordinator) {

  public record Redis(
      @DefaultValue("redis://127.0.0.1:6379") String address,
      @DefaultValue("des:") String prefix,
      @DefaultValue("10s") Duration leaseTimeout) {}

  public record Kafka(
      @DefaultValue("des.pack-jobs") String jobsTopic,
      @DefaultValue("des.pack-jobs.dlt") String deadLetterTopic,
      @DefaultValue("6") int partitions) {}

  /**
   * @param landing the landing folder (docs/fleet.md: {@code files/} and {@code manifests/}); no
   *     landing source when unset
   * @param scanInterval pause between two scans
   * @param settle files modified more recently than this are left for a later scan (still being
   *     written)
   * @param maxFilesPerScan files one scan looks at, which bounds the coordinator's memory
   * @param maxJobBytes content bytes per job (one job makes about one shard)
   * @param maxJobFiles files per job
   */
  public record Coordinator(
      Path landing,
      @DefaultValue("2s") Duration scanInterval,
      @DefaultValue("1s") Duration settle,
      @DefaultValue("200000") int maxFilesPerScan,
      @DefaultValue("1000000000") long maxJobBytes,
      @DefaultValue("5000") int maxJobFiles) {}
}
