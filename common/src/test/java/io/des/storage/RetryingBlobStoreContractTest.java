package io.des.storage;

import java.time.Duration;

/** The retry layer keeps every promise of the store under it. */
class RetryingBlobStoreContractTest extends BlobStoreContractTest {
  @Override
  protected BlobStore newStore() {
    return new RetryingBlobStore(new InMemoryBlobStore(), 3, Duration.ofMillis(1));
  }
}
