package io.des.worker;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker's settings, under {@code des.} (shared names with the coordinator; docs/fleet.md).
 *
 * @param store the archive: a folder or {@code s3://bucket/prefix}
 * @param s3Endpoint an S3-compatible endpoint (MinIO, Ceph, S3Proxy); AWS when unset
 * @param nBits routing bits of a new archive; an existing one keeps its own
 */
@ConfigurationProperties("des")
public record WorkerProperties(
    String store,
    URI s3Endpoint,
    @DefaultValue("8") int nBits,
    @DefaultValue Redis redis,
    @DefaultValue Kafka kafka,
    @DefaultValue Worker worker,
    @DefaultValue Landing landing,
    @DefaultValue Database database,
    @DefaultValue Repack repack,
    @DefaultValue Scrub scrub) {

  /**
   * A landing store (docs/fleet.md), the same {@code des.landing.store} as the coordinator's.
   *
   * @param store {@code s3://bucket/prefix} (or a folder); jobs from it are refused when unset
   * @param staging where a job's objects are staged to be packed (one job's bytes per running job);
   *     {@code <java.io.tmpdir>/des-staging} when unset
   */
  public record Landing(String store, java.nio.file.Path staging) {
    public java.nio.file.Path stagingOrDefault() {
      return staging != null ? staging : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "des-staging");
    }
  }

  /**
   * @param address {@code redis://host:port}
   * @param prefix every key the fleet keeps in Redis starts with it
   * @param leaseTimeout how long a lock outlives its holder's last renewal
   */
  public record Redis(
      @DefaultValue("redis://127.0.0.1:6379") String address,
      @DefaultValue("des:") String prefix,
      @DefaultValue("10s") Duration leaseTimeout) {}

  public record Kafka(
      @DefaultValue("des.pack-jobs") String jobsTopic,
      @DefaultValue("des.pack-jobs.dlt") String deadLetterTopic,
      @DefaultValue("6") int partitions,
      @DefaultValue("des.repack-jobs") String repackTopic) {}

  /**
   * Repack jobs (docs/deletion.md).
   *
   * @param grace how long a replaced shard version is kept for readers still using it before it is
   *     deleted; the coordinator must use the same value
   * @param replicas copies of the archive kept by the storage's replication (other zones: folders
   *     or {@code s3://bucket/prefix}, through {@code des.s3-endpoint}): a corrupt entry is repaired
   *     from them instead of dropped, and a purge deletes old versions from them too
   */
  public record Repack(@DefaultValue("1h") Duration grace, @DefaultValue List<String> replicas) {}

  /**
   * The background verification of every live shard (docs/deletion.md, Verification).
   *
   * @param enabled whether this worker takes part; one worker scrubs at a time in any case
   * @param interval pause between two runs of this worker
   * @param shardsPerRun shards a run verifies at least (it finishes the key it is in)
   * @param parallel shards verified at once within a run
   */
  public record Scrub(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("30s") Duration interval,
      @DefaultValue("8") int shardsPerRun,
      @DefaultValue("1") int parallel) {}

  /**
   * @param id names this worker in the ledger and in logs; the host name when unset
   * @param maxAttempts deliveries of a failing job before it goes to the dead-letter topic
   * @param lockWait how long a job waits for its shard key's lock before it is retried later
   * @param memoryBudget bytes of file content held in memory while packing
   * @param maxShardSize shard size limit in bytes
   * @param shutdownTimeout how long a stopping worker lets its running job go on before it exits
   *     (within Kubernetes' termination grace period); an unfinished job is redelivered and resumed
   */
  public record Worker(
      String id,
      @DefaultValue("4") int maxAttempts,
      @DefaultValue("1s") Duration retryBackoff,
      @DefaultValue("30s") Duration lockWait,
      @DefaultValue("33554432") long memoryBudget,
      @DefaultValue("1000000000") long maxShardSize,
      @DefaultValue("60s") Duration shutdownTimeout) {}

  /**
   * The table of file records, for jobs whose source is a database; unused when {@code url} is
   * unset. The same {@code des.database.*} names as the coordinator's (docs/fleet-database.md), so
   * one configuration serves both; the worker needs only these.
   */
  public record Database(String url, String username, String password, @DefaultValue("files") String table,
      @DefaultValue Columns columns) {}

  /** The columns the worker writes by, upstream's names by default. */
  public record Columns(@DefaultValue("uid") String uid, @DefaultValue("archived") String archived) {}
}
