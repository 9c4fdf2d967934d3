package io.des.catalog;

import io.des.storage.BlobStore;
import io.des.storage.LocalBlobStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The catalog cases on local disk, where generations are created with an exclusive hard link. */
class LocalShardCatalogTest extends ShardCatalogTest {
  @TempDir Path tmp;
  private int stores;

  @Override
  protected BlobStore newStore() {
    return new LocalBlobStore(tmp.resolve("store-" + stores++));
  }
}
