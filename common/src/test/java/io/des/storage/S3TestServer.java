package io.des.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-process S3Proxy 4.1 (in-memory {@code transient-nio2} backend) on a free port of
 * 127.0.0.1, meant to be shared by one test class: {@link #start()} in {@code @BeforeAll}, {@link
 * #close()} in {@code @AfterAll}, and a fresh {@link #newBucket()} per test for isolation.
 * Credentials are {@value #ACCESS_KEY}/{@value #SECRET_KEY}, checked with AWS v2 or v4 signatures.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "access";
  public static final String SECRET_KEY = "secret";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private S3Proxy proxy;
  private URI endpoint;
  private S3Client admin;

  /** Starts the server; idempotent. */
  public synchronized S3TestServer start() throws Exception {
    if (proxy != null) {
      return this;
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.identity", ACCESS_KEY);
    properties.setProperty("jclouds.credential", SECRET_KEY);
    S3Proxy started = S3Proxy.builder()
        .blobStore(org.gaul.s3proxy.BlobStores.create("transient-nio2", properties))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .ignoreUnknownHeaders(true)
        .stopTimeout(0)
        .build();
    started.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(started.getState())) {
      if (System.nanoTime() > deadline) {
        started.stop();
        throw new IllegalStateException("S3Proxy did not start: " + started.getState());
      }
      Thread.sleep(10);
    }
    proxy = started;
    endpoint = URI.create("http://127.0.0.1:" + started.getPort());
    admin = S3BlobStore.newClient(config("admin", ""));
    return this;
  }

  public URI endpoint() {
    requireStarted();
    return endpoint;
  }

  /** A raw client for checks below the {@link BlobStore} API (multipart uploads, conditions). */
  public S3Client client() {
    requireStarted();
    return admin;
  }

  /** Creates an empty bucket with a name no other test uses. */
  public String newBucket() {
    requireStarted();
    String bucket = "des-test-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    admin.createBucket(b -> b.bucket(bucket));
    return bucket;
  }

  /** A store configuration for this server: static credentials, path style, minimum part size. */
  public S3StoreConfig config(String bucket, String prefix) {
    return configBuilder(bucket, prefix).build();
  }

  public S3StoreConfig.Builder configBuilder(String bucket, String prefix) {
    requireStarted();
    return S3StoreConfig.builder(bucket)
        .prefix(prefix)
        .endpoint(endpoint)
        .region(S3StoreConfig.DEFAULT_REGION)
        .credentials(ACCESS_KEY, SECRET_KEY)
        .partSizeBytes(S3StoreConfig.MIN_PART_SIZE)
        .apiCallTimeout(Duration.ofSeconds(30));
  }

  /** Stops the server; idempotent. */
  @Override
  public synchronized void close() {
    if (proxy == null) {
      return;
    }
    try {
      admin.close();
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop S3Proxy at " + endpoint, e);
    } finally {
      proxy = null;
    }
  }

  private void requireStarted() {
    if (endpoint == null || proxy == null) {
      throw new IllegalStateException("S3TestServer is not started");
    }
  }
}
