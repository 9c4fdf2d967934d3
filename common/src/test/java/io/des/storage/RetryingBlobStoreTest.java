package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One retry layer over a store with injected faults: transient failures are absorbed, others not. */
class RetryingBlobStoreTest {
  private final InMemoryBlobStore memory = new InMemoryBlobStore();
  private final FaultyBlobStore faulty = new FaultyBlobStore(memory);
  private final RetryingBlobStore store = new RetryingBlobStore(faulty, 3, Duration.ofMillis(1));

  @Test
  void transientReadFailuresAreRetried() throws Exception {
    memory.putExclusive(BlobPath.of("a"), "hello".getBytes());
    faulty.failNextReads(2);
    assertThat(store.readTail(BlobPath.of("a"), 3).bytes()).containsExactly('l', 'l', 'o');
    assertThat(faulty.reads()).isEqualTo(3);
    assertThat(store.retries()).isEqualTo(2);
  }

  @Test
  void retriesAreBoundedAndTheLastFailureSurfaces() throws Exception {
    memory.putExclusive(BlobPath.of("a"), "hello".getBytes());
    faulty.failNextReads(10);
    assertThatThrownBy(() -> store.readRange(BlobPath.of("a"), 0, 2))
        .isInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("Injected read failure");
    assertThat(faulty.reads()).isEqualTo(3);
    assertThat(store.retries()).isEqualTo(2);
  }

  @Test
  void aMissingBlobIsAnAnswerNotAFault() {
    assertThatThrownBy(() -> store.open(BlobPath.of("missing"))).isInstanceOf(BlobNotFoundException.class);
    assertThat(faulty.reads()).isEqualTo(1);
    assertThat(store.retries()).isZero();
  }

  @Test
  void writesAreNotRetried() {
    faulty.failNextWrites(1);
    assertThatThrownBy(() -> store.putReplace(BlobPath.of("w"), new byte[1])).isInstanceOf(RetryableStorageException.class);
    assertThat(faulty.writes()).isEqualTo(1);
  }
}
