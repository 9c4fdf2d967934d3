package io.des.retriever;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code des.retriever.*}.
 *
 * @param store the archive: a folder or {@code s3://bucket/prefix}
 * @param nBits routing bits when the archive records none (an upstream folder); default 8
 * @param s3Endpoint an S3-compatible endpoint (MinIO, Ceph, a test server); path-style addressing.
 *     Without it, AWS_ENDPOINT_URL or AWS itself. Credentials come from the AWS default chain.
 * @param retryAttempts attempts per storage read, the first included (the one retry layer: the S3
 *     SDK is given none of its own); default 3
 * @param retryBackoff wait before the first retry, doubling, with jitter; default 50 ms
 * @param maxBufferedBytes entries up to this size are read and verified whole before the response
 *     starts, so a corrupt one becomes a 500, not a cut-off body; larger ones stream
 */
@ConfigurationProperties("des.retriever")
public record RetrieverProperties(
    String store, Integer nBits, java.net.URI s3Endpoint, Integer retryAttempts, java.time.Duration retryBackoff, Long maxBufferedBytes) {
  public RetrieverProperties {
    if (store == null || store.isBlank()) {
      throw new IllegalArgumentException("des.retriever.store is required: a folder or s3://bucket/prefix");
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
  }
}
