package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCoordinationTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  @RegisterExtension static final RedisFixture fixture = new RedisFixture(RedisCoordinationTest.class, LEASE, 1);
  private static String prefix;
  private static RedisCoordination redis;

  @BeforeAll
  static void connect() {
    prefix = fixture.prefix();
    redis = fixture.process(0);
  }

  @Test
  void everyKeyLivesUnderThePrefixButRedissonsTokenCounter() {
    try (FencedLease lease = redis.locks().tryAcquire("shard-2024-05", Duration.ZERO).orElseThrow()) {
      redis.checkpoints().save("job-1", lease.token(), new byte[] {1});
      redis.checkpoints().delete("job-2", lease.token());
      redis.ledger().offer("job-1", "2024/05", 1, 1);
      redis.ledger().done("job-1", "ok");
    }

    List<String> keys = RedisTestServer.keysOf(redis.client(), prefix);
    assertThat(keys).containsExactlyInAnyOrder(
        prefix + "checkpoint:job-1",
        prefix + "checkpoint:job-2",
        prefix + "{jobs}:job:job-1",
        prefix + "{jobs}:state:DONE",
        prefix + "{jobs}:counts",
        "redisson_lock_token:{" + prefix + "lock:shard-2024-05}");
  }

  @Test
  void closeReleasesTheHeldLocksAndIsIdempotent() {
    RedisCoordination closing = fixture.connect();
    FencedLease lease = closing.locks().tryAcquire("released-on-close", Duration.ZERO).orElseThrow();

    closing.close();
    closing.close();

    assertThat(closing.client().isShutdown()).isTrue();
    try (FencedLease next = redis.locks().tryAcquire("released-on-close", Duration.ZERO).orElseThrow()) {
      assertThat(next.token()).isGreaterThan(lease.token());
    }
  }

  @Test
  void settingsAreThoseGiven() {
    assertThat(redis.keyPrefix()).isEqualTo(prefix);
    assertThat(redis.leaseTimeout()).isEqualTo(LEASE);
    assertThat(redis.locks()).isSameAs(redis.locks());
  }

  @Test
  void unreachableServerFailsNamingTheAddress() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String address = "redis://127.0.0.1:" + port;

    assertThatThrownBy(() -> RedisCoordination.connect(address, "des-test:", LEASE))
        .isInstanceOf(CoordinationException.class)
        .hasMessage("Could not connect to Redis at " + address);
  }

  @Test
  void badPrefixesAndLeaseTimeoutsAreRefused() {
    assertThatThrownBy(() -> RedisCoordination.connect(RedisTestServer.address(), "", LEASE))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Redis key prefix must not be empty, got: ");
    assertThatThrownBy(() -> RedisCoordination.connect(RedisTestServer.address(), "des{1}:", LEASE))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Redis key prefix must have no braces or white space, got: 'des{1}:'");
    assertThatThrownBy(() -> RedisCoordination.connect(RedisTestServer.address(), "des:", Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Lease timeout must be at least 30 ms, got: PT0.01S");
  }
}
