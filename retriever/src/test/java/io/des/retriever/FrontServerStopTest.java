package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Stopping the service: no new connections, idle ones closed, a response in progress finished. */
class FrontServerStopTest {

  @Test
  void aStopFinishesTheResponseInProgressAndClosesIdleConnections() throws Exception {
    byte[] big = new byte[8 << 20];
    new Random(5).nextBytes(big);
    Path store = PackedStores.pack("des-front-stop", Map.of("big", big, "small", "small".getBytes(StandardCharsets.UTF_8)));
    ConfigurableApplicationContext context = new SpringApplicationBuilder(RetrieverApplication.class).run(
        "--server.port=0", "--des.retriever.store=" + store, "--des.retriever.max-buffered-bytes=1048576");
    int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    try (Socket streaming = new Socket("127.0.0.1", port); Socket idle = new Socket("127.0.0.1", port)) {
      streaming.setSoTimeout(20_000);
      idle.setSoTimeout(20_000);
      // The idle connection has been served once and is kept alive.
      idle.getOutputStream().write("GET /files/small?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream idleIn = idle.getInputStream();
      byte[] first = new byte[512];
      int n = idleIn.read(first);
      assertThat(new String(first, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200").endsWith("small");
      // The large one has started and is read slowly: the stop must wait for it.
      streaming.setReceiveBufferSize(16 << 10);
      streaming.getOutputStream().write("GET /files/big?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = streaming.getInputStream();
      String head = headers(in);
      assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: " + big.length);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(context::close);
      Thread.sleep(300);
      assertThat(idleIn.read()).as("the idle connection is closed at once").isEqualTo(-1);
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("no new connections").isInstanceOf(ConnectException.class);
      assertThat(stopping).as("the stop waits for the response in progress").isNotDone();
      byte[] body = in.readNBytes(big.length);
      assertThat(body).isEqualTo(big);
      assertThat(in.read()).as("then the connection is closed").isEqualTo(-1);
      stopping.get();
    } finally {
      context.close();
    }
  }

  private static String headers(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    while (!s.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed in the headers: " + s);
      }
      s.append((char) c);
    }
    return s.toString().toLowerCase(java.util.Locale.ROOT).replace("http/1.1", "HTTP/1.1");
  }
}
