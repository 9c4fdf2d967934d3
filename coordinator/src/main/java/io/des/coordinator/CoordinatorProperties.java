package io.des.coordinator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
    @DefaultValue Coordinator coordinator,
    @DefaultValue Landing landing,
    @DefaultValue Database database,
    @DefaultValue Repack repack) {

  /**
   * A landing store (docs/fleet.md), read by the coordinator and the workers alike.
   *
   * @param store {@code s3://bucket/prefix} (or a folder) with {@code files/} and {@code manifests/}
   *     as in a landing folder; no landing store when unset
   */
  public record Landing(String store) {}

  public record Redis(
      @DefaultValue("redis://127.0.0.1:6379") String address,
      @DefaultValue("des:") String prefix,
      @DefaultValue("10s") Duration leaseTimeout) {}

  public record Kafka(
      @DefaultValue("des.pack-jobs") String jobsTopic,
      @DefaultValue("des.pack-jobs.dlt") String deadLetterTopic,
      @DefaultValue("6") int partitions,
      @DefaultValue("des-workers") String workerGroup,
      @DefaultValue("des.repack-jobs") String repackTopic) {}

  /**
   * Erasure and repack scheduling (docs/deletion.md); active when {@code des.store} is set.
   *
   * @param scanInterval pause between two scans of the pending tombstones
   * @param deletedRatio a shard is repacked once this share of its entries is deleted
   * @param deadlineMargin a key is repacked, whatever its ratio, once a tombstone's erasure
   *     deadline is this close
   * @param grace how long a replaced version is kept for readers still using it; the workers must
   *     use the same value
   * @param retryFailedAfter a repack job that failed (dead-lettered) is sent again, as a new job,
   *     this long after, up to 10 times
   */
  public record Repack(
      @DefaultValue("30s") Duration scanInterval,
      @DefaultValue("0.1") double deletedRatio,
      @DefaultValue("24h") Duration deadlineMargin,
      @DefaultValue("1h") Duration grace,
      @DefaultValue("10m") Duration retryFailedAfter) {}

  /**
   * @param landing the landing folder (docs/fleet.md: {@code files/} and {@code manifests/}); no
   *     landing source when unset (then {@code des.database.url} must be set)
   * @param scanInterval pause between two scans
   * @param settle files modified more recently than this are left for a later scan (still being
   *     written)
   * @param maxFilesPerScan files one scan looks at, which bounds the coordinator's memory
   * @param maxJobBytes content bytes per job (one job makes about one shard)
   * @param maxJobFiles files per job
   * @param jobsPerMessage most jobs one Kafka message carries (1: one job per message)
   * @param messageBytes most bytes of files the jobs of one message name together: neighbouring
   *     small jobs share a message up to this, a larger job travels alone
   * @param queueTarget no scan while at least this many jobs wait on the queue (published, not yet
   *     taken by a worker): the sources are read again once the workers are about to run dry
   */
  public record Coordinator(
      Path landing,
      @DefaultValue("2s") Duration scanInterval,
      @DefaultValue("1s") Duration settle,
      @DefaultValue("200000") int maxFilesPerScan,
      @DefaultValue("1000000000") long maxJobBytes,
      @DefaultValue("5000") int maxJobFiles,
      @DefaultValue("64") int jobsPerMessage,
      @DefaultValue("8MB") DataSize messageBytes,
      @DefaultValue("256") int queueTarget) {}

  /**
   * The table of file records (docs/fleet-database.md); no database source when {@code url} is
   * unset. The worker reads the same {@code des.database.*} names to flag rows archived, so one
   * configuration serves both.
   *
   * @param url a JDBC URL, {@code jdbc:postgresql://host:5432/db}
   * @param table the table, optionally schema-qualified (upstream's default "files")
   * @param archiveAgeDays rows created more than this many days ago are due (upstream's default 7);
   *     with a watermark table, the lag when its {@code lag_days} is NULL
   * @param watermarkTable a table like upstream's {@code des_archive_config}: the cut-off follows
   *     its row {@code id = 1} and the coordinator advances its {@code archived_until}; unset for the
   *     age cut-off
   */
  public record Database(
      String url,
      String username,
      String password,
      @DefaultValue("files") String table,
      @DefaultValue Columns columns,
      @DefaultValue("7") int archiveAgeDays,
      String watermarkTable) {}

  /**
   * Column names, upstream's by default.
   *
   * @param sizeBytes the declared size, checked against the file; empty when the table has none
   */
  public record Columns(
      @DefaultValue("uid") String uid,
      @DefaultValue("created_at") String createdAt,
      @DefaultValue("file_location") String fileLocation,
      @DefaultValue("size_bytes") String sizeBytes,
      @DefaultValue("archived") String archived) {}
}
