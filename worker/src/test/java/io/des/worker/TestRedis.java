package io.des.worker;

import io.des.coord.RedisCoordination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Processes of a fleet on the real Redis server ({@code DES_TEST_REDIS}, or {@code
 * redis://127.0.0.1:6379}), under a key prefix of their own; {@link #close} deletes the keys under
 * it (and those Redisson names after them) and disconnects.
 */
final class TestRedis implements AutoCloseable {
  private final String prefix;
  private final List<RedisCoordination> clients = new ArrayList<>();

  TestRedis(Class<?> testClass) {
    this.prefix = "des-test:" + testClass.getSimpleName() + ":" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ":";
  }

  RedisCoordination connect() {
    String address = System.getenv("DES_TEST_REDIS");
    RedisCoordination client = RedisCoordination.connect(address == null || address.isBlank() ? "redis://127.0.0.1:6379" : address.strip(),
        prefix, Duration.ofSeconds(5));
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    try {
      if (!clients.isEmpty()) {
        for (String pattern : List.of(prefix + "*", "*{" + prefix + "*")) {
          clients.get(0).client().getKeys().deleteByPattern(pattern);
        }
      }
    } finally {
      clients.forEach(RedisCoordination::close);
    }
  }
}
