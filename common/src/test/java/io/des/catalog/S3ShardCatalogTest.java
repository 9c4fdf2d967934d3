package io.des.catalog;

import io.des.storage.BlobStore;
import io.des.storage.S3BlobStore;
import io.des.storage.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The catalog cases against a real S3-compatible server (S3Proxy), where generations are created
 * with {@code If-None-Match: *}: the concurrent-writers case shows no commit is lost.
 */
class S3ShardCatalogTest extends ShardCatalogTest {
  private static final S3TestServer SERVER = new S3TestServer();

  @BeforeAll
  static void startServer() throws Exception {
    SERVER.start();
  }

  @AfterAll
  static void stopServer() {
    SERVER.close();
  }

  @Override
  protected BlobStore newStore() {
    return S3BlobStore.open(SERVER.config(SERVER.newBucket(), "archive"));
  }
}
