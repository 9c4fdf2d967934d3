package io.des.retriever;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A byte-level TCP proxy in front of an S3-compatible server (bytes pass unchanged, so signatures
 * stay valid), with fault switches applied to new connections: answer {@code 503 SlowDown} and
 * close, wait before connecting (latency), or be down (every connection, open ones included, is
 * closed at once). Instance-scoped; for tests on loopback only.
 */
final class FaultyTcpProxy implements AutoCloseable {
  private static final byte[] SLOW_DOWN = ("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nConnection: close\r\n"
      + "Content-Length: 99\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Reduce</Message></Error>")
      .getBytes(StandardCharsets.US_ASCII);

  private final URI upstream;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "faulty-proxy");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);
  private volatile boolean down;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();

  FaultyTcpProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** The next {@code n} connections get 503 SlowDown. */
  void failNextConnections(int n) {
    failNext.set(n);
  }

  void delay(Duration d) {
    delay.set(d);
  }

  /** Closes every connection and refuses new ones until {@link #up()}. */
  void down() {
    down = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  void up() {
    down = false;
  }

  int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        threads.execute(() -> handle(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try {
      if (down) {
        client.close();
        return;
      }
      if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        client.getInputStream().read(new byte[8192]); // the request's head
        client.getOutputStream().write(SLOW_DOWN);
        client.close();
        return;
      }
      Thread.sleep(delay.get().toMillis());
      Socket target = new Socket();
      target.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()));
      open.add(client);
      open.add(target);
      threads.execute(() -> pump(client, target));
      pump(target, client);
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    down();
    threads.shutdownNow();
  }
}
