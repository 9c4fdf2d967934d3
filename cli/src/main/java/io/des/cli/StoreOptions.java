package io.des.cli;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import java.io.IOException;
import picocli.CommandLine.Option;

/** Where the shards are: {@code --store DIR} or {@code --store s3://bucket/prefix}. */
final class StoreOptions {
  @Option(
      names = {"--store", "-s"},
      paramLabel = "DIR|s3://BUCKET/PREFIX",
      description = "Shard store: a local folder or an S3 prefix (endpoint from AWS_ENDPOINT_URL, credentials from the AWS chain).")
  String store;

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint (overrides AWS_ENDPOINT_URL); path-style addressing.")
  java.net.URI s3Endpoint;

  @Option(names = "--n-bits", paramLabel = "N", description = "Routing bits, 4-16 (default: what the store records, else 8).")
  Integer nBits;

  BlobStore openStore() throws IOException {
    if (store == null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "Missing --store DIR|s3://bucket/prefix");
    }
    return s3Endpoint == null ? BlobStores.open(store) : BlobStores.open(store, b -> b.endpoint(s3Endpoint));
  }

  Archive openArchive(BlobStore blobs) throws IOException {
    return Archive.open(blobs, nBits, ReaderLimits.DEFAULTS);
  }
}
