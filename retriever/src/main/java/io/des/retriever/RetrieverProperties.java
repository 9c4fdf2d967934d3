package io.des.retriever;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code des.retriever.*}.
 *
 * @param store the archive: a folder or {@code s3://bucket/prefix}
 * @param nBits routing bits when the archive records none (an upstream folder); default 8
 * @param s3Endpoint an S3-compatible endpoint (MinIO, Ceph, a test server); path-style addressing.
 *     Without it, AWS_ENDPOINT_URL or AWS itself. Credentials come from the AWS default chain.
 * @param maxBufferedBytes entries up to this size are read and verified whole before the response
 *     starts, so a corrupt one becomes a 500, not a cut-off body; larger ones stream
 */
@ConfigurationProperties("des.retriever")
public record RetrieverProperties(String store, Integer nBits, java.net.URI s3Endpoint, Long maxBufferedBytes) {
  public RetrieverProperties {
    if (store == null || store.isBlank()) {
      throw new IllegalArgumentException("des.retriever.store is required: a folder or s3://bucket/prefix");
    }
    if (maxBufferedBytes == null) {
      maxBufferedBytes = 8L << 20;
    }
  }
}
