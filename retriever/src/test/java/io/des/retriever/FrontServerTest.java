package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The public port's own work, over raw sockets: requests answered in order on one connection
 * whether the front answers them or relays them to the servlet container, relayed bodies both ways,
 * connections closed when asked, oversized requests refused, and the connection limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "des.retriever.max-connections=8")
class FrontServerTest {
  private static final Path STORE;

  static {
    try {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (int i = 0; i < 20; i++) {
        files.put("f" + i, content(i).getBytes(StandardCharsets.UTF_8));
      }
      STORE = PackedStores.pack("des-front-test", files);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.store", STORE::toString);
  }

  @LocalServerPort int port;
  @Value("${local.des.api.port}") int apiPort;

  private static String content(int i) {
    return ("file " + i + " ").repeat(i * 50 + 1);
  }

  @Test
  void thePublicPortIsTheFrontAndTheContainerIsBehindItOnLoopback() throws Exception {
    assertThat(apiPort).isPositive().isNotEqualTo(port);
    HttpClient http = HttpClient.newHttpClient();
    // The container has the mapping that says GET exists but never serves it: only the front does.
    HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/files/f1?created_at=2024-01-01"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(direct.statusCode()).isEqualTo(500);
    HttpResponse<String> front = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/f1?created_at=2024-01-01"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(front.body()).isEqualTo(content(1));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderWhetherReadOrRelayed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      StringBuilder requests = new StringBuilder();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        if (i % 3 == 1) {
          requests.append("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
          expected.add("health");
        } else {
          requests.append("GET /files/f").append(i).append("?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n");
          expected.add(content(i));
        }
      }
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII)); // all at once
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      for (String want : expected) {
        Response r = Response.read(in);
        assertThat(r.status).isEqualTo(200);
        if (want.equals("health")) {
          assertThat(r.body).contains("\"status\"");
        } else {
          assertThat(r.body).isEqualTo(want);
        }
      }
    }
  }

  @Test
  void aRelayedRequestBodyAndItsStreamedResponseArriveWhole() throws Exception {
    StringBuilder items = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 20; i++) {
      items.append(i == 0 ? "" : ",").append("{\"uid\":\"f").append(i).append("\",\"created_at\":\"2024-01-01\"}");
    }
    byte[] body = items.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      // Sent in two parts with a pause: the relay streams the body as it arrives.
      out.write(("POST /files/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      Thread.sleep(200);
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.write("GET /files/f3?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      Response batch = Response.read(in);
      assertThat(batch.status).isEqualTo(200);
      String[] lines = batch.body.strip().split("\n");
      assertThat(lines).hasSize(20);
      for (int i = 0; i < 20; i++) {
        assertThat(lines[i]).contains("\"uid\":\"f" + i + "\"", "\"status\":200");
      }
      Response next = Response.read(in);
      assertThat(next.body).as("the connection goes on after the relayed exchange").isEqualTo(content(3));
    }
  }

  @Test
  void connectionCloseIsHonouredForReadsAndRelays() throws Exception {
    for (String target : List.of("/files/f2?created_at=2024-01-01", "/health")) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        Response r = Response.read(in);
        assertThat(r.status).as(target).isEqualTo(200);
        assertThat(r.headers).as(target).contains("connection: close");
        assertThat(in.read()).as(target + ": closed after the response").isEqualTo(-1);
      }
    }
  }

  @Test
  void anHttp10ClientGetsARelayedStreamedAnswerItCanRead() throws Exception {
    byte[] body = "{\"items\":[{\"uid\":\"f4\",\"created_at\":\"2024-01-01\"}]}".getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /files/batch HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // the answer ends with the connection
      assertThat(all).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("transfer-encoding: chunked");
      String answer = all.substring(all.indexOf("\r\n\r\n") + 4);
      assertThat(answer.strip()).startsWith("{\"uid\":\"f4\"").contains("\"status\":200").doesNotContain("\r\n");
    }
  }

  @Test
  void anOversizedRequestLineIsRefusedWithAReason() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String uid = "u".repeat(10_000);
      socket.getOutputStream().write(("GET /files/" + uid + "?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      Response r = Response.read(socket.getInputStream());
      assertThat(r.status).isEqualTo(414);
      assertThat(r.body).startsWith("{\"detail\":\"Malformed request");
    }
  }

  @Test
  void connectionsBeyondTheLimitAreClosedOnArrival() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /files/f1?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(Response.read(s.getInputStream()).status).isEqualTo(200); // open and served
        held.add(s);
      }
      try (Socket extra = new Socket("127.0.0.1", port)) {
        extra.setSoTimeout(10_000);
        int first;
        try {
          extra.getOutputStream().write("GET /files/f1?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          first = extra.getInputStream().read();
        } catch (IOException e) {
          first = -1; // reset
        }
        assertThat(first).as("the ninth connection is closed unanswered").isEqualTo(-1);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // Closed ones are counted down: a new connection is served again.
    Thread.sleep(200);
    try (Socket again = new Socket("127.0.0.1", port)) {
      again.setSoTimeout(10_000);
      again.getOutputStream().write("GET /files/f1?created_at=2024-01-01 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(Response.read(again.getInputStream()).status).isEqualTo(200);
    }
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).containsPattern("(?m)^des_front_connections_refused_total [1-9]")
        .containsPattern("(?m)^des_front_connections [1-9]").contains("des_front_exchanges_in_flight");
  }

  /** One HTTP/1.1 response read off a socket: Content-Length or chunked bodies. */
  private record Response(int status, String headers, String body) {
    static Response read(InputStream in) throws IOException {
      String head = line(in);
      int status = Integer.parseInt(head.substring(9, 12));
      StringBuilder headers = new StringBuilder();
      long length = -1;
      boolean chunked = false;
      for (String h; !(h = line(in)).isEmpty(); ) {
        String lower = h.toLowerCase(Locale.ROOT);
        headers.append(lower).append('\n');
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (int size; (size = Integer.parseInt(line(in).trim(), 16)) > 0; ) {
          body.write(in.readNBytes(size));
          line(in);
        }
        line(in);
      } else if (length > 0) {
        body.write(in.readNBytes((int) length));
      }
      return new Response(status, headers.toString(), body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("connection closed after: " + s);
        }
        if (c != '\r') {
          s.append((char) c);
        }
      }
      return s.toString();
    }
  }
}
