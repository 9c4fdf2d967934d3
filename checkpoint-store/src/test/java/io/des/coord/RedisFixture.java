package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes of one Redis test class, registered as a static {@code @RegisterExtension}:
 * coordination clients under a key prefix of the class's own, on {@link RedisTestServer}. After the
 * class it deletes the keys under the prefix, checks none are left, and disconnects every client.
 */
final class RedisFixture implements BeforeAllCallback, AfterAllCallback {
  private final String prefix;
  private final Duration leaseTimeout;
  private final int processes;
  private final List<RedisCoordination> clients = new ArrayList<>();

  /** Connects {@code processes} clients with the given lease timeout before the class's tests. */
  RedisFixture(Class<?> testClass, Duration leaseTimeout, int processes) {
    this.prefix = RedisTestServer.newPrefix(testClass);
    this.leaseTimeout = leaseTimeout;
    this.processes = processes;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    for (int i = 0; i < processes; i++) {
      connect();
    }
  }

  /** One more process under the prefix; tests may shut its client down to play a crash. */
  RedisCoordination connect() {
    RedisTestServer.requireReachable();
    RedisCoordination client = RedisCoordination.connect(RedisTestServer.address(), prefix, leaseTimeout);
    clients.add(client);
    return client;
  }

  /** The {@code index}th process that {@link #start} connected. */
  RedisCoordination process(int index) {
    return clients.get(index);
  }

  String prefix() {
    return prefix;
  }

  Duration leaseTimeout() {
    return leaseTimeout;
  }

  /** Deletes the hash of the lock {@code name}, which is what its expiry does. */
  void lapse(String name) {
    assertThat(process(0).client().getKeys().delete(prefix + "lock:" + name)).as("lock %s was held", name).isEqualTo(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (clients.isEmpty()) {
      return;
    }
    try {
      RedisTestServer.deleteKeys(process(0).client(), prefix);
      assertThat(RedisTestServer.keysOf(process(0).client(), prefix)).as("keys left under " + prefix).isEmpty();
    } finally {
      clients.forEach(RedisCoordination::close);
    }
  }
}
