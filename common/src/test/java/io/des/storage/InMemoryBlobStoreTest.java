package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class InMemoryBlobStoreTest extends BlobStoreContractTest {

  @Override
  protected BlobStore newStore() {
    return new InMemoryBlobStore();
  }

  @Test
  void instancesDoNotShareBlobs() throws IOException {
    try (InMemoryBlobStore other = new InMemoryBlobStore()) {
      store.putExclusive(KEY, bytes("mine"));

      assertThat(other.stat(KEY)).isEmpty();
      assertThat(other.describe()).isNotEqualTo(store.describe());
    }
  }

  @Test
  void readsDoNotExposeStoredBytes() throws IOException {
    byte[] content = bytes("original");
    store.putReplace(KEY, content);
    content[0] = 'X';
    store.readTail(KEY, 8).bytes()[1] = 'Y';

    assertThat(store.readRange(KEY, 0, 8)).isEqualTo(bytes("original"));
  }
}
