package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The contract against S3Proxy, plus what only S3 has: multipart uploads and lost responses. */
class S3BlobStoreTest extends BlobStoreContractTest {
  private static final String PREFIX = "des/test";
  private static final S3TestServer SERVER = new S3TestServer();

  private final Map<String, String> partETags = new ConcurrentHashMap<>();
  private String bucket;

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
    bucket = SERVER.newBucket();
    return S3BlobStore.open(SERVER.config(bucket, PREFIX));
  }

  @Override
  protected void assertNoUploadLeftovers() {
    assertThat(pendingUploads()).as("pending multipart uploads").isZero();
  }

  private int pendingUploads() {
    return SERVER.client().listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
  }

  private String objectKey(BlobPath path) {
    return PREFIX + "/" + path.key();
  }

  @Test
  void describeNamesBucketAndPrefix() {
    assertThat(store.describe()).isEqualTo("s3://" + bucket + "/" + PREFIX);
  }

  @Test
  void smallUploadStartsNoMultipartUpload() throws IOException {
    try (BlobUpload upload = store.createExclusive(KEY)) {
      upload.out().write(new byte[S3StoreConfig.MIN_PART_SIZE]); // exactly one part: a single PUT

      assertThat(pendingUploads()).isZero();
      upload.commit();
    }
    assertThat(store.stat(KEY).orElseThrow().size()).isEqualTo(S3StoreConfig.MIN_PART_SIZE);
  }

  @Test
  void abandonedMultipartUploadIsAborted() throws IOException {
    try (BlobUpload upload = store.createExclusive(KEY)) {
      upload.out().write(new byte[S3StoreConfig.MIN_PART_SIZE + 1]);

      assertThat(pendingUploads()).as("upload started when the first part filled up").isOne();
    }
    assertNoUploadLeftovers();
    assertThat(store.stat(KEY)).isEmpty();
  }

  @Test
  void losingMultipartCommitAbortsItsUploadAndKeepsTheBlob() throws IOException {
    store.putExclusive(KEY, bytes("first"));

    try (BlobUpload upload = store.createExclusive(KEY)) {
      upload.out().write(new byte[S3StoreConfig.MIN_PART_SIZE + 100]);
      assertThatThrownBy(upload::commit)
          .isInstanceOf(BlobAlreadyExistsException.class)
          .hasMessageContaining(KEY.key());
    }

    assertNoUploadLeftovers();
    assertThat(store.readRange(KEY, 0, 5)).isEqualTo(bytes("first"));
  }

  @Test
  void s3ProxyRejectsConditionalPutAndCompleteOnAnExistingKey() {
    S3Client s3 = SERVER.client();
    String key = objectKey(KEY);
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("first"));

    assertThatThrownBy(() -> s3.putObject(
            b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromString("second")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    String uploadId = startSinglePartUpload(s3, key, "third");
    assertThatThrownBy(() -> completeIfAbsent(s3, key, uploadId))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));

    assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String()).isEqualTo("first");
    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
  }

  @Test
  void s3ProxySerializesConcurrentConditionalCompletes() throws Exception {
    S3Client s3 = SERVER.client();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        String key = objectKey(BlobPath.of("complete-race/" + round));
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
          String uploadId = startSinglePartUpload(s3, key, "writer " + thread);
          outcomes.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            try {
              completeIfAbsent(s3, key, uploadId);
              return true;
            } catch (S3Exception e) {
              assertThat(e.statusCode()).isEqualTo(412);
              s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
              return false;
            }
          }));
        }
        int winners = 0;
        for (Future<Boolean> outcome : outcomes) {
          winners += outcome.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("winners of round %d", round).isOne();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentMultipartCommitsHaveExactlyOneWinner() throws Exception {
    int threads = 3;
    byte[] content = new byte[S3StoreConfig.MIN_PART_SIZE + 1];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 2; round++) {
        BlobPath key = BlobPath.of("multipart-race/" + round);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
          byte marker = (byte) thread;
          outcomes.add(pool.submit(() -> {
            try (BlobUpload upload = store.createExclusive(key)) {
              upload.out().write(content);
              upload.out().write(marker);
              start.await(10, TimeUnit.SECONDS);
              upload.commit();
              return true;
            } catch (BlobAlreadyExistsException e) {
              return false;
            }
          }));
        }
        int winners = 0;
        for (Future<Boolean> outcome : outcomes) {
          winners += outcome.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("winners of round %d", round).isOne();
      }
    } finally {
      pool.shutdownNow();
    }
    assertNoUploadLeftovers();
  }

  @Test
  void listStripsThePrefixAndSkipsForeignKeys() throws IOException {
    S3Client s3 = SERVER.client();
    for (String key : List.of(PREFIX + "/ok", PREFIX + "/folder/", PREFIX + "/back\\slash", PREFIX + "ing/x", "other/y")) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(key));
    }

    assertThat(keys(store.list(""))).containsExactly("ok");
    try (S3BlobStore whole = S3BlobStore.open(SERVER.config(bucket, "/"))) {
      assertThat(keys(whole.list(""))).containsExactly("des/test/ok", "des/testing/x", "other/y");
      assertThat(whole.describe()).isEqualTo("s3://" + bucket);
    }
  }

  @Test
  void missingBucketIsNotAMissingBlob() {
    try (S3BlobStore nowhere = S3BlobStore.open(SERVER.config("no-such-bucket-here", PREFIX))) {
      assertThatThrownBy(() -> nowhere.open(KEY))
          .isExactlyInstanceOf(StorageException.class)
          .hasMessageContaining("s3://no-such-bucket-here/des/test/" + KEY.key())
          .hasMessageContaining("NoSuchBucket");
    }
  }

  @Test
  void unreachableServerIsRetryable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    S3StoreConfig config = SERVER.configBuilder(bucket, PREFIX)
        .endpoint(URI.create("http://127.0.0.1:" + closedPort))
        .maxAttempts(1)
        .build();
    try (S3BlobStore down = S3BlobStore.open(config)) {
      String location = "s3://" + bucket + "/" + objectKey(KEY);
      assertThatThrownBy(() -> down.stat(KEY))
          .isInstanceOf(RetryableStorageException.class)
          .hasMessageContaining(location);
      // Refused before a byte was sent, so even the exclusive commit is safe to retry.
      assertThatThrownBy(() -> down.putExclusive(KEY, bytes("x")))
          .isInstanceOf(RetryableStorageException.class)
          .hasMessageContaining(location);
    }
  }

  @Test
  void lostCommitResponseIsOutcomeUnknownAndTheBlobMayExist() throws IOException {
    try (ResponseDroppingProxy proxy = new ResponseDroppingProxy(SERVER.endpoint(), 1);
        S3BlobStore lossy = S3BlobStore.open(
            SERVER.configBuilder(bucket, PREFIX).endpoint(proxy.endpoint()).maxAttempts(1).build())) {
      assertThatThrownBy(() -> lossy.putExclusive(KEY, bytes("landed")))
          .isInstanceOf(StorageOutcomeUnknownException.class)
          .hasMessageContaining("s3://" + bucket + "/" + objectKey(KEY))
          .hasMessageContaining("before retrying");
    }
    assertThat(store.readRange(KEY, 0, 6)).isEqualTo(bytes("landed"));
  }

  @Test
  void preconditionFailedAfterAnSdkRetryIsOutcomeUnknown() throws IOException {
    // The first attempt lands and its response is lost; the SDK's retry then meets our own blob.
    try (ResponseDroppingProxy proxy = new ResponseDroppingProxy(SERVER.endpoint(), 1);
        S3BlobStore lossy = S3BlobStore.open(
            SERVER.configBuilder(bucket, PREFIX).endpoint(proxy.endpoint()).maxAttempts(2).build())) {
      assertThatThrownBy(() -> lossy.putExclusive(KEY, bytes("ours")))
          .isInstanceOf(StorageOutcomeUnknownException.class)
          .hasMessageContaining("s3://" + bucket + "/" + objectKey(KEY))
          .hasMessageContaining("412");
    }
    assertThat(store.readRange(KEY, 0, 4)).isEqualTo(bytes("ours"));
  }

  @Test
  void lostReplaceResponseIsRetryable() throws IOException {
    try (ResponseDroppingProxy proxy = new ResponseDroppingProxy(SERVER.endpoint(), 1);
        S3BlobStore lossy = S3BlobStore.open(
            SERVER.configBuilder(bucket, PREFIX).endpoint(proxy.endpoint()).maxAttempts(1).build())) {
      assertThatThrownBy(() -> lossy.putReplace(KEY, bytes("hint")))
          .isInstanceOf(RetryableStorageException.class)
          .hasMessageContaining(objectKey(KEY));
      lossy.putReplace(KEY, bytes("hint 2"));
    }
    assertThat(store.readRange(KEY, 0, 6)).isEqualTo(bytes("hint 2"));
  }

  @Test
  void rangedStreamClosedEarlyDoesNotBreakTheClient() throws IOException {
    byte[] content = new byte[1024 * 1024];
    Arrays.fill(content, (byte) 7);
    store.putExclusive(KEY, content);

    for (int i = 0; i < 5; i++) {
      try (InputStream in = store.open(KEY)) {
        assertThat(in.read()).isEqualTo(7);
      }
    }
    assertThat(store.readRange(KEY, 1000, 3)).containsExactly(7, 7, 7);
  }

  private String startSinglePartUpload(S3Client s3, String key, String content) {
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    String eTag = s3.uploadPart(
        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
        RequestBody.fromString(content)).eTag();
    partETags.put(uploadId, eTag);
    return uploadId;
  }

  private void completeIfAbsent(S3Client s3, String key, String uploadId) {
    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).ifNoneMatch("*")
        .multipartUpload(m -> m.parts(
            CompletedPart.builder().partNumber(1).eTag(partETags.get(uploadId)).build())));
  }
}
