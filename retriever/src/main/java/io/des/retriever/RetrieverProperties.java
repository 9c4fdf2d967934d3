package io.des.retriever;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code des.retriever.*}.
 *
 * @param store the archive: a folder or {@code s3://bucket/prefix} (or give {@code zones})
 * @param zones an upstream zones file (YAML or JSON) mapping shard-index ranges to stores, with
 *     optional replicas per zone in fallback order
 * @param breakerWait how long a failing replica's circuit stays open before trial reads; default 5 s
 * @param zoneRequestsPerSecond read budget of each zone; beyond it, 429 with Retry-After; default 10,000
 * @param nBits routing bits when the archive records none (an upstream folder); default 8
 * @param s3Endpoint an S3-compatible endpoint (MinIO, Ceph, a test server); path-style addressing.
 *     Without it, AWS_ENDPOINT_URL or AWS itself. Credentials come from the AWS default chain.
 * @param retryAttempts attempts per storage read, the first included (the one retry layer: the S3
 *     SDK is given none of its own); default 3
 * @param retryBackoff wait before the first retry, doubling, with jitter; default 50 ms
 * @param maxBufferedBytes entries up to this size are read and verified whole before the response
 *     starts, so a corrupt one becomes a 500, not a cut-off body; larger ones stream
 * @param erasureWindow the promise a DELETE makes: its tombstone's {@code erase_by} is the deletion
 *     time plus this; default 48 hours
 * @param delete who may DELETE besides holders of a JWT with scope {@code des:delete}
 * @param catalogTtl how long a shard key's catalog is trusted before it is read again (a file
 *     packed later is found at once: a miss reloads it); a repack's new version is seen within this
 *     time, so it must stay well below the workers' {@code des.repack.grace}, for which the old
 *     version is kept; default 30 s
 * @param readThreads threads for reads that wait: every read on S3, the streaming of large entries on
 *     a local disk; four times as many reads may wait for one, and more are answered 503 with
 *     Retry-After; default 64
 * @param maxConnections open connections to the public port; more are closed on arrival (they wait
 *     in the kernel's accept queue first); default 4096
 * @param idleTimeout a keep-alive connection with no request for this long is closed, and a
 *     streaming read whose client takes nothing for this long is cut off; default 60 s
 * @param apiPort the loopback port of the servlet container behind the public port (batch, DELETE,
 *     health, metrics, actuator); default 0, any free port
 * @param openFiles shard files of a local store kept open between reads (a read is then one
 *     {@code pread}, not a stat, an open, an fstat, a read and a close); 0 opens a file per read.
 *     Give room for the shards read often; default 4096, each an open file descriptor
 * @param openFileTtl how long a shard file stays open at most: a file deleted by a purge keeps its
 *     disk space until then; default 60 s
 */
@ConfigurationProperties("des.retriever")
public record RetrieverProperties(
    String store,
    java.nio.file.Path zones,
    Integer nBits,
    java.net.URI s3Endpoint,
    Integer retryAttempts,
    java.time.Duration retryBackoff,
    java.time.Duration breakerWait,
    Integer zoneRequestsPerSecond,
    Long maxBufferedBytes,
    java.time.Duration erasureWindow,
    Delete delete,
    Integer readThreads,
    Integer maxConnections,
    java.time.Duration idleTimeout,
    Integer apiPort,
    java.time.Duration catalogTtl,
    Integer openFiles,
    java.time.Duration openFileTtl) {

  /**
   * {@code des.retriever.delete.*}.
   *
   * @param apiKeys keys accepted in {@code X-API-Key} (upstream's {@code DES_DELETE_API_KEY} is one
   *     of them); blank ones are ignored. None, and no JWT issuer or key, means DELETE answers 503.
   */
  public record Delete(java.util.List<String> apiKeys) {
    public Delete {
      apiKeys = apiKeys == null ? java.util.List.of() : apiKeys.stream().filter(k -> k != null && !k.isBlank()).toList();
    }
  }

  public RetrieverProperties {
    if ((store == null || store.isBlank()) == (zones == null)) {
      throw new IllegalArgumentException(
          "Give exactly one of des.retriever.store (a folder or s3://bucket/prefix) and des.retriever.zones (a zones file)");
    }
    if (breakerWait == null) {
      breakerWait = java.time.Duration.ofSeconds(5);
    }
    if (zoneRequestsPerSecond == null) {
      zoneRequestsPerSecond = 10_000;
    }
    if (retryAttempts == null) {
      retryAttempts = 3;
    }
    if (retryBackoff == null) {
      retryBackoff = java.time.Duration.ofMillis(50);
    }
    if (maxBufferedBytes == null) {
      maxBufferedBytes = 8L << 20;
    }
    if (erasureWindow == null) {
      erasureWindow = java.time.Duration.ofHours(48);
    }
    if (erasureWindow.isNegative()) {
      throw new IllegalArgumentException("des.retriever.erasure-window must not be negative, got " + erasureWindow);
    }
    if (delete == null) {
      delete = new Delete(null);
    }
    if (catalogTtl == null) {
      catalogTtl = java.time.Duration.ofSeconds(30);
    }
    if (catalogTtl.isNegative() || catalogTtl.isZero()) {
      throw new IllegalArgumentException("des.retriever.catalog-ttl must be positive, got " + catalogTtl);
    }
    if (openFiles == null) {
      openFiles = 4096;
    }
    if (openFiles < 0) {
      throw new IllegalArgumentException("des.retriever.open-files must be 0 or more, got " + openFiles);
    }
    if (openFileTtl == null) {
      openFileTtl = java.time.Duration.ofSeconds(60);
    }
    if (openFileTtl.isNegative() || openFileTtl.isZero()) {
      throw new IllegalArgumentException("des.retriever.open-file-ttl must be positive, got " + openFileTtl);
    }
    if (readThreads == null) {
      readThreads = 64;
    }
    if (readThreads < 1) {
      throw new IllegalArgumentException("des.retriever.read-threads must be at least 1, got " + readThreads);
    }
    if (maxConnections == null) {
      maxConnections = 4096;
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("des.retriever.max-connections must be at least 1, got " + maxConnections);
    }
    if (idleTimeout == null) {
      idleTimeout = java.time.Duration.ofSeconds(60);
    }
    if (idleTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("des.retriever.idle-timeout must be at least 1 s, got " + idleTimeout);
    }
    if (apiPort == null) {
      apiPort = 0;
    }
    if (apiPort < 0 || apiPort > 65535) {
      throw new IllegalArgumentException("des.retriever.api-port must be 0 to 65535, got " + apiPort);
    }
  }
}
