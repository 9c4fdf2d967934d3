package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With every switch off the wrapper is a faithful store; each switch does what it says. */
class FaultyBlobStoreTest extends BlobStoreContractTest {
  private InMemoryBlobStore backing;

  @Override
  protected BlobStore newStore() {
    backing = new InMemoryBlobStore();
    return new FaultyBlobStore(backing);
  }

  private FaultyBlobStore faulty() {
    return (FaultyBlobStore) store;
  }

  @Test
  void failNextWritesFailsThatManyWritesBeforeTheyReachTheStore() throws IOException {
    faulty().failNextWrites(2);

    assertThatThrownBy(() -> store.putExclusive(KEY, bytes("one")))
        .isExactlyInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("Injected write failure: commit " + KEY.key());
    assertThatThrownBy(() -> store.putReplace(KEY, bytes("two")))
        .isExactlyInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("Injected write failure: putReplace " + KEY.key());
    assertThat(backing.stat(KEY)).isEmpty();

    store.putExclusive(KEY, bytes("three"));

    assertThat(backing.readRange(KEY, 0, 5)).isEqualTo(bytes("three"));
    assertThat(faulty().writes()).isEqualTo(3);
  }

  @Test
  void failedDeleteLeavesTheBlob() throws IOException {
    store.putExclusive(KEY, bytes("kept"));
    faulty().failNextWrites(1);

    assertThatThrownBy(() -> store.delete(KEY))
        .isExactlyInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("delete " + KEY.key());

    assertThat(backing.stat(KEY)).isPresent();
    store.delete(KEY);
    assertThat(backing.stat(KEY)).isEmpty();
    assertThat(faulty().writes()).isEqualTo(3);
  }

  @Test
  void failNextReadsFailsThatManyReads() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));
    faulty().failNextReads(3);

    assertThatThrownBy(() -> store.open(KEY))
        .isExactlyInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("Injected read failure: open " + KEY.key());
    assertThatThrownBy(() -> store.readRange(KEY, 0, 2))
        .isExactlyInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("openRange " + KEY.key());
    assertThatThrownBy(() -> store.readTail(KEY, 2))
        .isExactlyInstanceOf(RetryableStorageException.class)
        .hasMessageContaining("readTail " + KEY.key());

    assertThat(store.readTail(KEY, 2).bytes()).isEqualTo(bytes("89"));
    assertThat(faulty().reads()).isEqualTo(4);
  }

  @Test
  void loseNextWriteResponsesAppliesTheWriteButReportsUnknown() throws IOException {
    faulty().loseNextWriteResponses(1);

    assertThatThrownBy(() -> store.putExclusive(KEY, bytes("landed")))
        .isExactlyInstanceOf(StorageOutcomeUnknownException.class)
        .hasMessageContaining("Injected lost response: commit " + KEY.key());

    assertThat(backing.readRange(KEY, 0, 6)).isEqualTo(bytes("landed"));
    assertThatThrownBy(() -> store.putExclusive(KEY, bytes("retry")))
        .isInstanceOf(BlobAlreadyExistsException.class);
    assertThat(faulty().writes()).isEqualTo(2);
  }

  @Test
  void slowReadsDelaysEveryReadUntilTurnedOff() throws IOException {
    store.putExclusive(KEY, bytes("slow"));
    faulty().slowReads(Duration.ofMillis(300));

    long start = System.nanoTime();
    store.readRange(KEY, 0, 4);
    store.readTail(KEY, 4);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));

    faulty().slowReads(Duration.ZERO);
    start = System.nanoTime();
    store.readRange(KEY, 0, 4);
    // Not delayed: far below the 300 ms it would take, with room for a busy shared machine.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
  }

  @Test
  void countsEachKindOfCall() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));
    store.putReplace(BlobPath.of("hint"), bytes("h"));
    store.readRange(KEY, 1, 2);
    store.readRange(KEY, 3, 2);
    store.readTail(KEY, 4);
    try (InputStream in = store.open(KEY)) {
      in.readAllBytes();
    }
    store.stat(KEY);
    keys(store.list(""));
    store.delete(List.of(KEY));

    assertThat(faulty().rangedReads()).isEqualTo(2);
    assertThat(faulty().tailReads()).isEqualTo(1);
    assertThat(faulty().reads()).isEqualTo(4);
    assertThat(faulty().writes()).isEqualTo(3);
    assertThat(faulty().stats()).isEqualTo(1);
    assertThat(faulty().lists()).isEqualTo(1);
  }

  @Test
  void resetTurnsSwitchesOffAndZeroesCounters() throws IOException {
    store.putExclusive(KEY, bytes("x"));
    store.readTail(KEY, 1);
    faulty().failNextWrites(5).failNextReads(5).loseNextWriteResponses(5);

    faulty().reset();

    assertThat(faulty().writes()).isZero();
    assertThat(faulty().reads()).isZero();
    assertThat(faulty().tailReads()).isZero();
    store.putReplace(KEY, bytes("y"));
    assertThat(store.readTail(KEY, 1).bytes()).isEqualTo(bytes("y"));
  }

  @Test
  void aHookRunsOnceJustBeforeTheFirstMatchingCall() throws IOException {
    BlobPath other = BlobPath.of("other/blob");
    store.putExclusive(KEY, bytes("x"));
    List<String> seen = new java.util.ArrayList<>();
    faulty().before(FaultyBlobStore.Call.STAT, KEY.key(), () -> seen.add("stat sees " + store.stat(KEY).isPresent()));
    faulty().before(FaultyBlobStore.Call.DELETE, KEY.key(), () -> seen.add("before delete: " + store.stat(KEY).isPresent()));
    faulty().before(FaultyBlobStore.Call.CREATE, other.key(), () -> seen.add("before create: " + store.stat(other).isPresent()));

    store.stat(other); // no match
    store.stat(KEY);
    store.stat(KEY); // the hook ran once
    store.delete(KEY);
    store.putExclusive(other, bytes("y"));

    assertThat(seen).containsExactly("stat sees true", "before delete: true", "before create: false");
  }
}
