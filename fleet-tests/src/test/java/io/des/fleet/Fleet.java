package io.des.fleet;

import io.des.storage.S3TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The fleet's surroundings for one test class: an in-JVM KRaft broker, an in-JVM S3Proxy bucket,
 * the machine's redis-server under a key prefix of its own (removed at the end), and the DES apps
 * started as separate JVMs from their built jars.
 */
final class Fleet implements AutoCloseable {
  static final String REDIS = System.getenv().getOrDefault("DES_TEST_REDIS", "redis://127.0.0.1:6379");

  final EmbeddedKafkaKraftBroker kafka;
  final S3TestServer s3;
  final String bucket;
  final String redisPrefix = "des-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  final RedissonClient redis;
  final Path logs;
  private final List<AppProcess> apps = new ArrayList<>();

  Fleet(Path logs) throws Exception {
    this.logs = logs;
    this.redis = connectRedis();
    this.kafka = new EmbeddedKafkaKraftBroker(1, 6);
    kafka.afterPropertiesSet();
    this.s3 = new S3TestServer().start();
    this.bucket = s3.newBucket();
  }

  private static RedissonClient connectRedis() {
    Config config = new Config();
    config.useSingleServer().setAddress(REDIS).setConnectionPoolSize(4).setConnectionMinimumIdleSize(1);
    try {
      RedissonClient client = Redisson.create(config);
      client.getKeys().count();
      return client;
    } catch (RuntimeException e) {
      throw new IllegalStateException("redis-server is not reachable at " + REDIS + " (set DES_TEST_REDIS, or start it: "
          + "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no)", e);
    }
  }

  String store() {
    return "s3://" + bucket + "/archive";
  }

  private List<String> common() {
    return List.of(
        "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
        "--des.store=" + store(),
        "--des.s3-endpoint=" + s3.endpoint(),
        "--des.redis.address=" + REDIS,
        "--des.redis.prefix=" + redisPrefix,
        "--des.redis.lease-timeout=4s",
        "--des.n-bits=8");
  }

  private static Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY, "AWS_REGION", "us-east-1");
  }

  /** A coordinator that packs from a landing folder (and from whatever {@code extra} adds). */
  AppProcess coordinator(String name, Path landing, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of(extra));
    args.add(0, "--des.coordinator.landing=" + landing);
    return coordinator(name, args.toArray(String[]::new));
  }

  /** A coordinator with no landing folder: {@code extra} names its source ({@code --des.database.url=...}). */
  AppProcess coordinator(String name, String... extra) throws IOException {
    List<String> args = new ArrayList<>(common());
    args.add("--des.coordinator.scan-interval=500ms");
    args.add("--des.coordinator.settle=0s");
    args.addAll(List.of(extra));
    return track(AppProcess.start(name, "coordinator", freePort(), args, env(), logs));
  }

  AppProcess worker(String id, String... extra) throws IOException {
    List<String> args = new ArrayList<>(common());
    args.add("--des.worker.id=" + id);
    args.add("--des.worker.retry-backoff=200ms");
    // A killed worker's partitions move after the session timeout; 6 s is the broker's minimum.
    args.add("--spring.kafka.consumer.properties.session.timeout.ms=6000");
    args.add("--spring.kafka.consumer.properties.heartbeat.interval.ms=1000");
    args.addAll(List.of(extra));
    return track(AppProcess.start(id, "worker", freePort(), args, env(), logs));
  }

  AppProcess retriever(String... extra) throws IOException {
    return retriever("retriever", extra);
  }

  AppProcess retriever(String name, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--des.retriever.store=" + store(), "--des.retriever.s3-endpoint=" + s3.endpoint(),
        "--des.retriever.n-bits=8"));
    args.addAll(List.of(extra));
    return track(AppProcess.start(name, "retriever", freePort(), args, env(), logs));
  }

  private AppProcess track(AppProcess app) {
    apps.add(app);
    return app;
  }

  static void awaitHealthy(Duration timeout, AppProcess... apps) throws Exception {
    for (AppProcess app : apps) {
      app.awaitHealthy(timeout);
    }
  }

  /** A count of what is still to be done. */
  interface Remaining {
    long count() throws Exception;
  }

  /**
   * Polls {@code remaining} every 500 ms until it is 0; on timeout fails with the count left, {@code
   * what} it counts, and the last 30 log lines of each app.
   */
  static void awaitNoneLeft(String what, Duration timeout, Remaining remaining, AppProcess... apps) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long left;
    do {
      left = remaining.count();
      if (left == 0) {
        return;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    StringBuilder logs = new StringBuilder();
    for (AppProcess app : apps) {
      logs.append("\n--- ").append(app.name()).append(" ---\n").append(app.tail(30));
    }
    throw new AssertionError(left + " " + what + " after " + timeout + logs);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    for (AppProcess app : apps) {
      app.close();
    }
    try {
      redis.getKeys().deleteByPattern(redisPrefix + "*");
      redis.getKeys().deleteByPattern("*{" + redisPrefix + "*"); // Redisson's token counters: redisson_lock_token:{<prefix>lock:<name>}
    } finally {
      redis.shutdown();
      s3.close();
      kafka.destroy();
    }
  }
}
