package io.des.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BlobStore} contract, run against every backend: extend it and implement {@link
 * #newStore()} (a fresh, empty store per test).
 */
public abstract class BlobStoreContractTest {
  protected static final BlobPath KEY = BlobPath.of("shards/0001/pack-7.des");

  protected BlobStore store;

  /** A fresh, empty store; closed after the test. */
  protected abstract BlobStore newStore() throws Exception;

  /** Size of the blob in {@link #largeUploadSpansSeveralParts}; above two S3 parts of 5 MiB. */
  protected int largeBlobSize() {
    return 12 * 1024 * 1024 + 12_345;
  }

  /** Number of blobs in {@link #listPagesBeyondOneThousand}; above S3's page size of 1,000. */
  protected int manyBlobCount() {
    return 1_100;
  }

  /** Checks that an aborted or failed upload left nothing behind (temporary files, parts). */
  protected void assertNoUploadLeftovers() throws Exception {}

  @Test
  void abortUploadsEndsOpenUploadsUnderThePrefixOnly() throws Exception {
    BlobPath other = BlobPath.of("shards/0002/pack-1.des");
    try (BlobUpload doomed = store.createExclusive(KEY);
        BlobUpload spared = store.createExclusive(other)) {
      // More than one S3 part, so that S3 has started a multipart upload.
      doomed.out().write(new byte[S3StoreConfig.MIN_PART_SIZE + 1]);
      spared.out().write(bytes("kept"));

      assertThat(store.abortUploads("shards/0001/")).isEqualTo(1);

      assertThatThrownBy(doomed::commit).isInstanceOf(UploadNotFoundException.class);
      spared.commit();
    }
    assertThat(store.stat(KEY)).isEmpty();
    assertThat(store.stat(other)).isPresent();
    assertThat(store.abortUploads("shards/")).isZero();
    assertNoUploadLeftovers();
  }

  @Test
  void aResumableUploadContinuesFromItsLastCheckpointAfterItsWriterDied() throws Exception {
    Random random = new Random(7);
    byte[] chunk = new byte[3 << 20];
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    BlobUpload first = store.createResumable(KEY);
    UploadCheckpoint checkpoint = null;
    for (int i = 0; i < 6; i++) {
      random.nextBytes(chunk);
      first.out().write(chunk);
      expected.write(chunk);
      checkpoint = first.boundary().orElse(checkpoint);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(checkpoint != null, store.describe() + " cannot resume uploads");
    first.out().write(new byte[1000]); // written after the checkpoint: lost with the writer
    // The writer dies here: its upload is neither committed nor closed.

    byte[] rest = bytes("the rest of the blob");
    try (BlobUpload resumed = store.resume(checkpoint)) {
      assertThat(resumed.written()).isEqualTo(checkpoint.length());
      resumed.out().write(rest);
      resumed.commit();
    }
    byte[] whole = Arrays.copyOf(expected.toByteArray(), (int) checkpoint.length() + rest.length);
    System.arraycopy(rest, 0, whole, (int) checkpoint.length(), rest.length);
    try (InputStream in = store.open(KEY)) {
      assertThat(in.readAllBytes()).isEqualTo(whole);
    }
    assertNoUploadLeftovers();
  }

  @Test
  void anAbortedUploadCannotBeResumed() throws Exception {
    UploadCheckpoint checkpoint;
    try (BlobUpload upload = store.createResumable(KEY)) {
      upload.out().write(new byte[9 << 20]);
      checkpoint = upload.boundary().orElse(null);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(checkpoint != null, store.describe() + " cannot resume uploads");
    UploadCheckpoint gone = checkpoint;
    assertThatThrownBy(() -> store.resume(gone)).isInstanceOf(UploadNotFoundException.class);
    assertThat(store.stat(KEY)).isEmpty();
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void statReturnsEmptyForMissingBlob() throws IOException {
    assertThat(store.stat(KEY)).isEmpty();
  }

  @Test
  void statReturnsSizeAndModificationTime() throws IOException {
    Instant before = Instant.now().minusSeconds(5);
    BlobInfo written = store.putExclusive(KEY, bytes("hello"));

    BlobInfo info = store.stat(KEY).orElseThrow();

    assertThat(info.path()).isEqualTo(KEY);
    assertThat(info.size()).isEqualTo(5);
    assertThat(written.size()).isEqualTo(5);
    assertThat(info.lastModified()).isBetween(before, Instant.now().plusSeconds(5));
  }

  @Test
  void putExclusiveThenOpenReadsTheContent() throws IOException {
    store.putExclusive(KEY, bytes("hello world"));

    try (InputStream in = store.open(KEY)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes("hello world"));
    }
  }

  @Test
  void emptyBlobCanBeCreatedAndRead() throws IOException {
    store.putExclusive(KEY, new byte[0]);

    assertThat(store.stat(KEY).orElseThrow().size()).isZero();
    try (InputStream in = store.open(KEY)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    Tail tail = store.readTail(KEY, 16);
    assertThat(tail.bytes()).isEmpty();
    assertThat(tail.blobSize()).isZero();
  }

  @Test
  void openRangeReadsExactlyTheRange() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));

    assertThat(store.readRange(KEY, 3, 4)).isEqualTo(bytes("3456"));
    assertThat(store.readRange(KEY, 0, 10)).isEqualTo(bytes("0123456789"));
    assertThat(store.readRange(KEY, 9, 1)).isEqualTo(bytes("9"));
    try (InputStream in = store.openRange(KEY, 6, 4)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes("6789"));
    }
  }

  @Test
  void openRangeBeyondEndFails() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));

    assertThatThrownBy(() -> store.readRange(KEY, 8, 5))
        .isInstanceOf(StorageException.class)
        .isNotInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(KEY.key())
        .hasMessageContaining("offset 8")
        .hasMessageContaining("length 5");
    assertThatThrownBy(() -> store.readRange(KEY, 20, 1))
        .isInstanceOf(StorageException.class)
        .isNotInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(KEY.key())
        .hasMessageContaining("offset 20");
  }

  @Test
  void zeroLengthRangeReadsNothing() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));

    try (InputStream in = store.openRange(KEY, 4, 0)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    assertThat(store.readRange(KEY, 10, 0)).isEmpty();
  }

  @Test
  void readTailReturnsLastBytesAndBlobSize() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));

    Tail tail = store.readTail(KEY, 4);

    assertThat(tail.bytes()).isEqualTo(bytes("6789"));
    assertThat(tail.blobSize()).isEqualTo(10);
    assertThat(tail.offset()).isEqualTo(6);
  }

  @Test
  void readTailReturnsWholeBlobWhenShorterThanRequested() throws IOException {
    store.putExclusive(KEY, bytes("0123456789"));

    Tail tail = store.readTail(KEY, 64);

    assertThat(tail.bytes()).isEqualTo(bytes("0123456789"));
    assertThat(tail.blobSize()).isEqualTo(10);
  }

  @Test
  void missingBlobReadsThrowBlobNotFound() {
    assertThatThrownBy(() -> store.open(KEY))
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(KEY.key());
    assertThatThrownBy(() -> store.openRange(KEY, 0, 1).close())
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(KEY.key());
    assertThatThrownBy(() -> store.readTail(KEY, 8))
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining(KEY.key());
  }

  @Test
  void createExclusiveIsInvisibleUntilCommit() throws IOException {
    try (BlobUpload upload = store.createExclusive(KEY)) {
      upload.out().write(bytes("partial"));
      upload.out().flush();

      assertThat(upload.written()).isEqualTo(7);
      assertThat(store.stat(KEY)).isEmpty();
      assertThat(keys(store.list(""))).isEmpty();
      assertThatThrownBy(() -> store.open(KEY)).isInstanceOf(BlobNotFoundException.class);

      upload.out().write(bytes(" done"));
      BlobInfo info = upload.commit();

      assertThat(info.size()).isEqualTo(12);
    }
    assertThat(store.readRange(KEY, 0, 12)).isEqualTo(bytes("partial done"));
    assertThat(keys(store.list(""))).containsExactly(KEY.key());
  }

  @Test
  void appendRangeCopiesRangesOfOtherBlobsBetweenWrittenBytes() throws IOException {
    BlobPath a = BlobPath.of("shards/0001/a.des");
    BlobPath b = BlobPath.of("shards/0001/b.des");
    store.putExclusive(a, bytes("0123456789"));
    store.putExclusive(b, bytes("abcdefghij"));
    try (BlobUpload upload = store.createExclusive(KEY)) {
      upload.out().write(bytes("<"));
      upload.appendRange(store, a, 2, 3);
      upload.appendRange(store, a, 7, 3);
      upload.out().write(bytes("|"));
      upload.appendRange(store, b, 0, 2);
      upload.appendRange(store, a, 0, 1); // back to an earlier blob
      upload.appendRange(store, b, 9, 0);
      upload.out().write(bytes(">"));
      assertThat(upload.written()).isEqualTo(12);
      assertThatThrownBy(() -> upload.appendRange(store, a, 8, 3)).isInstanceOf(StorageException.class).hasMessageContaining(a.key());
      assertThatThrownBy(() -> upload.appendRange(store, BlobPath.of("shards/0001/none.des"), 0, 1))
          .isInstanceOf(BlobNotFoundException.class);
      upload.commit();
    }
    assertThat(store.readRange(KEY, 0, 12)).isEqualTo(bytes("<234789|ab0>"));
  }

  @Test
  void abortedUploadLeavesNothing() throws Exception {
    try (BlobUpload upload = store.createExclusive(KEY)) {
      upload.out().write(bytes("never committed"));
      upload.out().close(); // closing the stream must not commit
    }

    assertThat(store.stat(KEY)).isEmpty();
    assertThat(keys(store.list(""))).isEmpty();
    assertNoUploadLeftovers();
  }

  @Test
  void uploadRejectsWritesAndCommitsAfterCommit() throws IOException {
    BlobUpload upload = store.createExclusive(KEY);
    upload.out().write(bytes("once"));
    upload.commit();
    upload.close();

    assertThatThrownBy(() -> upload.out().write(1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(KEY.key());
    assertThatThrownBy(upload::commit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(KEY.key());
    assertThat(store.readRange(KEY, 0, 4)).isEqualTo(bytes("once"));
  }

  @Test
  void secondExclusiveCreateFailsAndKeepsFirstContent() throws Exception {
    store.putExclusive(KEY, bytes("first"));

    assertThatThrownBy(() -> store.putExclusive(KEY, bytes("second, longer")))
        .isInstanceOf(BlobAlreadyExistsException.class)
        .hasMessageContaining(KEY.key());

    assertThat(store.readRange(KEY, 0, 5)).isEqualTo(bytes("first"));
    assertThat(store.stat(KEY).orElseThrow().size()).isEqualTo(5);
    assertNoUploadLeftovers();
  }

  @Test
  void concurrentExclusiveCreatesHaveExactlyOneWinner() throws Exception {
    int threads = 8;
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        BlobPath key = BlobPath.of("race/round-" + round);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
          byte[] content = bytes("writer " + thread);
          outcomes.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            try {
              store.putExclusive(key, content);
              return true;
            } catch (BlobAlreadyExistsException e) {
              return false;
            }
          }));
        }
        List<Integer> winners = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
          if (outcomes.get(thread).get(30, TimeUnit.SECONDS)) {
            winners.add(thread);
          }
        }
        assertThat(winners).as("winners of round %d", round).hasSize(1);
        try (InputStream in = store.open(key)) {
          assertThat(in.readAllBytes()).isEqualTo(bytes("writer " + winners.get(0)));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertNoUploadLeftovers();
  }

  @Test
  void largeUploadSpansSeveralParts() throws IOException {
    int size = largeBlobSize();
    byte[] content = new byte[size];
    new Random(42).nextBytes(content);

    try (BlobUpload upload = store.createExclusive(KEY)) {
      OutputStream out = upload.out();
      // Odd chunk sizes so chunks straddle every buffer and part boundary.
      for (int from = 0; from < size; from += 100_003) {
        out.write(content, from, Math.min(100_003, size - from));
      }
      assertThat(upload.commit().size()).isEqualTo(size);
    }

    int partBoundary = 5 * 1024 * 1024;
    assertThat(store.readRange(KEY, partBoundary - 10, 20))
        .isEqualTo(Arrays.copyOfRange(content, partBoundary - 10, partBoundary + 10));
    assertThat(store.readTail(KEY, 1000).bytes())
        .isEqualTo(Arrays.copyOfRange(content, size - 1000, size));
    try (InputStream in = store.open(KEY)) {
      assertThat(Arrays.equals(in.readAllBytes(), content)).as("whole content equal").isTrue();
    }
  }

  @Test
  void putReplaceCreatesAndReplaces() throws IOException {
    store.putReplace(KEY, bytes("old"));
    BlobInfo info = store.putReplace(KEY, bytes("newer"));

    assertThat(info.size()).isEqualTo(5);
    assertThat(store.readRange(KEY, 0, 5)).isEqualTo(bytes("newer"));
    assertThat(keys(store.list(""))).containsExactly(KEY.key());
  }

  @Test
  void putReplaceReplacesAtomically() throws Exception {
    byte[] as = new byte[64 * 1024];
    byte[] bs = new byte[64 * 1024];
    Arrays.fill(as, (byte) 'a');
    Arrays.fill(bs, (byte) 'b');
    store.putReplace(KEY, as);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> reader = pool.submit(readUniformly(writing, as, bs));
      for (int i = 0; i < 40; i++) {
        store.putReplace(KEY, i % 2 == 0 ? bs : as);
      }
      writing.set(false);
      assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }

  private Callable<Integer> readUniformly(AtomicBoolean writing, byte[] as, byte[] bs) {
    return () -> {
      int reads = 0;
      do {
        byte[] read;
        try (InputStream in = store.open(KEY)) {
          read = in.readAllBytes();
        }
        assertThat(Arrays.equals(read, as) || Arrays.equals(read, bs))
            .as("read %d saw either the old or the new content", reads)
            .isTrue();
        reads++;
      } while (writing.get());
      return reads;
    };
  }

  @Test
  void listIsSortedAndPrefixFiltered() throws IOException {
    // '-' < '.' < '/' < '0': a naive folder walk would list a/b before a-c and a.b.
    List<String> keys = List.of("b", "ab", "a0", "a/c/d", "a/b", "a.b", "a-c", "a/bc");
    for (String key : keys) {
      store.putExclusive(BlobPath.of(key), bytes(key));
    }

    assertThat(keys(store.list("")))
        .containsExactly("a-c", "a.b", "a/b", "a/bc", "a/c/d", "a0", "ab", "b");
    assertThat(keys(store.list("a")))
        .containsExactly("a-c", "a.b", "a/b", "a/bc", "a/c/d", "a0", "ab");
    assertThat(keys(store.list("a/"))).containsExactly("a/b", "a/bc", "a/c/d");
    assertThat(keys(store.list("a/b"))).containsExactly("a/b", "a/bc");
    assertThat(keys(store.list("a/c"))).containsExactly("a/c/d");
    assertThat(keys(store.list("a/c/d"))).containsExactly("a/c/d");
    assertThat(keys(store.list("c"))).isEmpty();
    try (Stream<BlobInfo> listed = store.list("a/c")) {
      BlobInfo info = listed.findFirst().orElseThrow();
      assertThat(info.size()).isEqualTo(5);
      assertThat(info.lastModified()).isAfter(Instant.now().minus(Duration.ofMinutes(1)));
    }
  }

  @Test
  void listPagesBeyondOneThousand() throws Exception {
    int count = manyBlobCount();
    List<BlobPath> paths =
        IntStream.range(0, count).mapToObj(i -> BlobPath.of(String.format("many/k-%05d", i))).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<BlobInfo>> puts = new ArrayList<>();
      for (BlobPath path : paths) {
        puts.add(pool.submit(() -> store.putExclusive(path, new byte[] {1})));
      }
      for (Future<BlobInfo> put : puts) {
        put.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    store.putExclusive(BlobPath.of("other"), new byte[] {2});

    assertThat(keys(store.list("many/")))
        .containsExactlyElementsOf(paths.stream().map(BlobPath::key).toList());

    store.delete(paths);

    assertThat(keys(store.list(""))).containsExactly("other");
  }

  @Test
  void deleteIgnoresMissingBlobs() throws IOException {
    store.delete(KEY);
    store.delete(List.of(BlobPath.of("nope/a"), BlobPath.of("nope/b")));

    assertThat(store.stat(KEY)).isEmpty();
  }

  @Test
  void deleteManyRemovesAll() throws IOException {
    List<BlobPath> doomed = List.of(BlobPath.of("d/1"), BlobPath.of("d/2"), BlobPath.of("d/3/x"));
    for (BlobPath path : doomed) {
      store.putExclusive(path, bytes(path.key()));
    }
    store.putExclusive(BlobPath.of("d/kept"), bytes("kept"));

    List<BlobPath> toDelete = new ArrayList<>(doomed);
    toDelete.add(BlobPath.of("d/missing"));
    store.delete(toDelete);

    assertThat(keys(store.list(""))).containsExactly("d/kept");
    for (BlobPath path : doomed) {
      assertThat(store.stat(path)).isEmpty();
    }
    store.putExclusive(doomed.get(0), bytes("again"));
    assertThat(store.readRange(doomed.get(0), 0, 5)).isEqualTo(bytes("again"));
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  protected static List<String> keys(Stream<BlobInfo> listing) {
    try (listing) {
      return listing.map(info -> info.path().key()).toList();
    }
  }
}
