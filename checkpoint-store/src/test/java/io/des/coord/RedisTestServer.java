package io.des.coord;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.redisson.api.RKeys;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;

/**
 * The real Redis server the Redis tests talk to: {@code DES_TEST_REDIS} (such as {@code
 * redis://host:6379}) or {@code redis://127.0.0.1:6379}. A missing server fails the tests with what
 * to do about it; they never skip. Each test class works under a key prefix of its own and deletes
 * only the keys under it.
 */
final class RedisTestServer {
  static final String ENV = "DES_TEST_REDIS";
  private static final int CONNECT_MILLIS = 2_000;

  private RedisTestServer() {}

  static String address() {
    String address = System.getenv(ENV);
    return address == null || address.isBlank() ? "redis://127.0.0.1:6379" : address.strip();
  }

  /** A prefix no other test run uses, such as {@code des-test:RedisJobLedgerTest:5f3a9c01:}. */
  static String newPrefix(Class<?> testClass) {
    return "des-test:" + testClass.getSimpleName() + ":" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ":";
  }

  /** Fails with instructions unless the server answers PING. */
  static void requireReachable() {
    URI uri = URI.create(address());
    String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    String reply;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
      socket.setSoTimeout(CONNECT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(US_ASCII));
      out.flush();
      reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII)).readLine();
    } catch (IOException e) {
      throw new IllegalStateException(missing(host, port, e.toString()), e);
    }
    // A server that wants a password still answers; Redisson logs in with the one in the address.
    if (reply == null || !(reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"))) {
      throw new IllegalStateException(missing(host, port, "it answered PING with " + reply));
    }
  }

  private static String missing(String host, int port, String why) {
    return "redis-server not reachable at " + host + ":" + port + " (" + why + "); start it with: "
        + "redis-server --daemonize yes --port " + port + " (Debian: apt-get install redis-server), "
        + "or set " + ENV + "=redis://host:port to use another server";
  }

  /** The keys under {@code prefix}, and those Redisson names itself after a key under it. */
  static List<String> keysOf(RedissonClient client, String prefix) {
    RKeys keys = client.getKeys();
    return Stream.of(prefix + "*", "*{" + prefix + "*")
        .flatMap(pattern -> StreamSupport.stream(keys.getKeys(KeysScanOptions.defaults().pattern(pattern)).spliterator(), false))
        .distinct().sorted().collect(Collectors.toList());
  }

  /** Deletes {@link #keysOf} the prefix, and nothing else. */
  static void deleteKeys(RedissonClient client, String prefix) {
    List<String> keys = keysOf(client, prefix);
    if (!keys.isEmpty()) {
      client.getKeys().delete(keys.toArray(String[]::new));
    }
  }
}
