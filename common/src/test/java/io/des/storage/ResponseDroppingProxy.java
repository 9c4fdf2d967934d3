package io.des.storage;

import io.des.testing.ByteSearch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an HTTP server that, for the first {@code n} connections, forwards the
 * request but drops the response once the server starts sending it (after relaying any {@code 100
 * Continue}), then closes the client connection: a write that succeeded but whose answer was lost.
 */
final class ResponseDroppingProxy implements AutoCloseable {
  private static final byte[] CONTINUE = "HTTP/1.1 100".getBytes(StandardCharsets.US_ASCII);

  private final URI upstream;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger connectionsToDrop;

  ResponseDroppingProxy(URI upstream, int connectionsToDrop) throws IOException {
    this.upstream = upstream;
    this.connectionsToDrop = new AtomicInteger(connectionsToDrop);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target = new Socket();
        target.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()));
        boolean drop = connectionsToDrop.getAndDecrement() > 0;
        threads.execute(() -> pump(client, target));
        threads.execute(() -> {
          if (drop) {
            dropResponse(target, client);
          } else {
            pump(target, client);
          }
        });
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // the other side went away; closing both below ends the exchange
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Relays interim 100 responses, then closes both sides as soon as the real response starts. */
  private static void dropResponse(Socket target, Socket client) {
    try (InputStream in = target.getInputStream()) {
      byte[] pending = new byte[0];
      byte[] chunk = new byte[8192];
      int read;
      while ((read = in.read(chunk)) >= 0) {
        pending = concat(pending, chunk, read);
        while (pending.length >= CONTINUE.length) {
          if (!Arrays.equals(pending, 0, CONTINUE.length, CONTINUE, 0, CONTINUE.length)) {
            return; // the final response has started: the server applied the request
          }
          int end = ByteSearch.indexOf(pending, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          if (end < 0) {
            break;
          }
          client.getOutputStream().write(pending, 0, end + 4);
          client.getOutputStream().flush();
          pending = Arrays.copyOfRange(pending, end + 4, pending.length);
        }
      }
    } catch (IOException e) {
      // fall through to closing
    } finally {
      closeQuietly(client);
      closeQuietly(target);
    }
  }

  private static byte[] concat(byte[] head, byte[] tail, int tailLength) {
    byte[] joined = Arrays.copyOf(head, head.length + tailLength);
    System.arraycopy(tail, 0, joined, head.length, tailLength);
    return joined;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
