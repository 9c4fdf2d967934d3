package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.LocalBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * GET and HEAD of single files are answered by the front server ({@link FileReads}), with no
 * servlet container: what the annotated controller did and the front must keep (the firewall, the
 * headers, the metrics, the methods Spring MVC advertises, a corrupt large entry cut off), over
 * real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FileReadsTest {
  private static final Path STORE;
  private static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");
  private static final byte[] BIG = new byte[10 << 20];
  /** A large entry alone in its shard, corrupted once packed. */
  private static final String BAD_BIG;
  /** Files of many sizes, around the reused read buffer's, under {@code mixed-<i>}. */
  private static final byte[][] MIXED = new byte[24][];

  static {
    try {
      Path dir = Files.createTempDirectory("des-file-read-test");
      STORE = dir.resolve("store");
      Path src = Files.createDirectories(dir.resolve("src"));
      new Random(5).nextBytes(BIG);
      Archive archive = Archive.create(new LocalBlobStore(STORE), 8, ReaderLimits.DEFAULTS);
      var others = new java.util.HashSet<>();
      for (String uid : List.of("small", "spaced name", "%percent")) {
        others.add(archive.router().route(uid, DAY.routingDate()));
      }
      String bad = null;
      for (int i = 0; bad == null; i++) {
        if (!others.contains(archive.router().route("bad-big-" + i, DAY.routingDate()))) {
          bad = "bad-big-" + i;
        }
      }
      BAD_BIG = bad;
      List<SourceFile> files = new ArrayList<>();
      int n = 0;
      for (String[] f : new String[][] {{"small", "hello"}, {"spaced name", "with a space"}, {"%percent", "pct"}}) {
        Path p = Files.writeString(src.resolve("f" + n++), f[1]);
        files.add(new SourceFile(f[0], DAY, -1, p, f[0]));
      }
      files.add(new SourceFile(BAD_BIG, DAY, -1, Files.write(src.resolve("big"), BIG), BAD_BIG));
      Random sizes = new Random(7);
      for (int i = 0; i < MIXED.length; i++) {
        int size = i % 3 == 0 ? (64 << 10) - 1 + sizes.nextInt(3) : sizes.nextInt(200_000);
        MIXED[i] = new byte[size];
        sizes.nextBytes(MIXED[i]);
        if (i % 2 == 0) {
          java.util.Arrays.fill(MIXED[i], 0, size / 2, (byte) 'a'); // compressible: a zstd entry
        }
        files.add(new SourceFile("mixed-" + i, DAY, -1, Files.write(src.resolve("mixed-" + i), MIXED[i]), "mixed-" + i));
      }
      files.add(new SourceFile("bad-frame", DAY, -1, Files.writeString(src.resolve("bad-frame"), "a compressible line\n".repeat(1000)), "bad-frame"));
      try (Packer packer = new Packer(archive, PackOptions.defaults(8).withBigFileThreshold(64L << 20), PackListener.NONE)) {
        packer.pack(files);
      }
      for (String uid : List.of(BAD_BIG, "bad-frame")) {
        Archive.Located located = archive.locate(uid, DAY);
        Path shard = STORE.resolve(located.shard().path().key());
        byte[] bytes = Files.readAllBytes(shard);
        bytes[(int) (located.entry().offset() + located.entry().length() / 2)] ^= 0x01;
        Files.write(shard, bytes);
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.store", STORE::toString);
    registry.add("des.retriever.max-buffered-bytes", () -> "1048576");
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(String method, String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void errorsAreJsonWithTheirLength() throws Exception {
    for (String[] c : new String[][] {
        {"/files/nope?created_at=2024-01-01", "404", "{\"detail\":\"File not found\"}"},
        {"/files/small?created_at=yesterday", "400", "{\"detail\":\"Invalid created_at format\"}"},
        {"/files/small", "422", "{\"detail\":\"created_at is required\"}"},
        {"/files?created_at=2024-01-01", "404", "{\"detail\":\"File not found\"}"}}) {
      HttpResponse<String> r = send("GET", c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
      assertThat(r.body()).as(c[0]).isEqualTo(c[2]);
      assertThat(r.headers().firstValue("content-type")).as(c[0]).hasValue("application/json");
      assertThat(r.headers().firstValueAsLong("content-length")).as(c[0]).hasValue(c[2].length());
    }
  }

  @Test
  void headOfAMissingFileIs404WithoutABody() throws Exception {
    HttpResponse<String> r = send("HEAD", "/files/nope?created_at=2024-01-01");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void encodedCharactersOfTheUidAreDecoded() throws Exception {
    assertThat(send("GET", "/files/spaced%20name?created_at=2024-01-01").body()).isEqualTo("with a space");
    assertThat(send("GET", "/files/%25percent?created_at=2024-01-01").body()).isEqualTo("pct");
  }

  @Test
  void theFirewallStillRefusesSuspiciousPaths() throws Exception {
    for (String path : List.of("/files/small;x=1?created_at=2024-01-01", "/files//small?created_at=2024-01-01",
        "/files/a/../small?created_at=2024-01-01")) {
      assertThat(rawStatus("GET " + path)).as(path).isEqualTo(400);
    }
  }

  @Test
  void springMvcStillAdvertisesGetAndHead() throws Exception {
    HttpResponse<String> options = send("OPTIONS", "/files/small");
    assertThat(options.headers().firstValue("allow")).hasValueSatisfying(v -> assertThat(v).contains("GET", "HEAD", "DELETE"));
    HttpResponse<String> put = send("PUT", "/files/small?created_at=2024-01-01");
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("allow")).hasValueSatisfying(v -> assertThat(v).contains("GET", "DELETE"));
  }

  @Test
  void eachReadIsTimedOnceAndCountedByOutcome() throws Exception {
    long timedBefore = metric("des_retrieval_seconds_count\\{backend=\"local\"}");
    long okBefore = metric("des_retrievals_total\\{backend=\"local\",status=\"ok\"}");
    long missingBefore = metric("des_retrievals_total\\{backend=\"local\",status=\"not_found\"}");
    for (int i = 0; i < 3; i++) {
      assertThat(send("GET", "/files/small?created_at=2024-01-01").statusCode()).isEqualTo(200);
    }
    assertThat(send("HEAD", "/files/small?created_at=2024-01-01").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/files/nope?created_at=2024-01-01").statusCode()).isEqualTo(404);
    assertThat(metric("des_retrieval_seconds_count\\{backend=\"local\"}") - timedBefore).isEqualTo(5);
    assertThat(metric("des_retrievals_total\\{backend=\"local\",status=\"ok\"}") - okBefore).isEqualTo(4);
    assertThat(metric("des_retrievals_total\\{backend=\"local\",status=\"not_found\"}") - missingBefore).isEqualTo(1);
    assertThat(send("GET", "/metrics").body()).as("one timer per read: Spring's http.server.requests does not time them")
        .doesNotContain("uri=\"/files/{*uid}\"");
  }

  @Test
  void aCorruptLargeEntryCutsTheConnection() throws Exception {
    long corruptBefore = metric("des_retrievals_total\\{backend=\"local\",status=\"corrupt\"}");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/" + BAD_BIG + "?created_at=2024-01-01"))
        .timeout(Duration.ofSeconds(20)).build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()))
        .as("the body ends before its Content-Length")
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
    assertThat(metric("des_retrievals_total\\{backend=\"local\",status=\"corrupt\"}") - corruptBefore).isEqualTo(1);
  }

  @Test
  void concurrentReadsOfManySizesGetTheirOwnBytes() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          Random pick = new Random(client);
          for (int n = 0; n < 150; n++) {
            int i = pick.nextInt(MIXED.length);
            byte[] expected = MIXED[i];
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/mixed-" + i + "?created_at=2024-01-01"))
                .timeout(Duration.ofSeconds(20));
            if (n % 4 == 3 && expected.length > 10) {
              int first = pick.nextInt(expected.length / 2);
              request.header("Range", "bytes=" + first + "-" + (expected.length - 2));
              expected = java.util.Arrays.copyOfRange(expected, first, expected.length - 1);
            }
            HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.body()).as("mixed-%d (%d bytes), request %d of client %d", i, MIXED[i].length, n, client).isEqualTo(expected);
          }
          return null;
        }));
      }
      for (var f : clients) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private HttpResponse<byte[]> get(String method, String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aClientThatAcceptsZstdIsSentTheStoredFrame() throws Exception {
    String path = "/files/mixed-0?created_at=2024-01-01"; // half of it one repeated byte: a zstd entry
    HttpResponse<byte[]> plain = get("GET", path);
    HttpResponse<byte[]> framed = get("GET", path, "Accept-Encoding", "gzip, zstd;q=0.5, br");
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(plain.body()).isEqualTo(MIXED[0]);
    assertThat(framed.statusCode()).isEqualTo(200);
    assertThat(framed.headers().firstValue("content-encoding")).hasValue("zstd");
    assertThat(framed.body().length).isLessThan(MIXED[0].length * 3 / 4);
    assertThat(framed.headers().firstValueAsLong("content-length")).hasValue(framed.body().length);
    assertThat(com.github.luben.zstd.Zstd.decompress(framed.body(), MIXED[0].length)).isEqualTo(MIXED[0]);
    for (HttpResponse<byte[]> r : List.of(plain, framed)) {
      assertThat(r.headers().firstValue("vary")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("accept-encoding"));
    }
    String tag = framed.headers().firstValue("etag").orElseThrow();
    assertThat(tag).isNotEqualTo(plain.headers().firstValue("etag").orElseThrow());

    HttpResponse<byte[]> head = get("HEAD", path, "Accept-Encoding", "zstd");
    assertThat(head.headers().firstValue("content-encoding")).hasValue("zstd");
    assertThat(head.headers().firstValueAsLong("content-length")).hasValue(framed.body().length);
    assertThat(get("GET", path, "Accept-Encoding", "zstd", "If-None-Match", tag).statusCode()).isEqualTo(304);
    assertThat(get("GET", path, "If-None-Match", tag).statusCode()).as("the other representation").isEqualTo(200);

    // A range is of the content, so it is decoded; so is a refusal; a random entry is stored as is.
    HttpResponse<byte[]> range = get("GET", path, "Accept-Encoding", "zstd", "Range", "bytes=10-19");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("content-encoding")).isEmpty();
    assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(MIXED[0], 10, 20));
    assertThat(get("GET", path, "Accept-Encoding", "zstd;q=0").headers().firstValue("content-encoding")).isEmpty();
    HttpResponse<byte[]> random = get("GET", "/files/mixed-1?created_at=2024-01-01", "Accept-Encoding", "zstd");
    assertThat(random.headers().firstValue("content-encoding")).isEmpty();
    assertThat(random.headers().firstValue("vary")).isEmpty();
    assertThat(random.body()).isEqualTo(MIXED[1]);
  }

  @Test
  void aCorruptFrameIsNotSentEncodedEither() throws Exception {
    long corruptBefore = metric("des_retrievals_total\\{backend=\"local\",status=\"corrupt\"}");
    for (String[] headers : List.of(new String[] {"Accept-Encoding", "zstd"}, new String[] {"Accept-Encoding", "identity"})) {
      HttpResponse<byte[]> r = get("GET", "/files/bad-frame?created_at=2024-01-01", headers);
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"detail\":\"Stored file is corrupt\"}");
    }
    assertThat(metric("des_retrievals_total\\{backend=\"local\",status=\"corrupt\"}") - corruptBefore).isEqualTo(2);
  }

  @Test
  void acceptEncodingIsReadAsRfc9110Says() {
    assertThat(FileReads.acceptsZstd("zstd")).isTrue();
    assertThat(FileReads.acceptsZstd("gzip, deflate, br, zstd")).isTrue();
    assertThat(FileReads.acceptsZstd("ZSTD ; q=0.001")).isTrue();
    assertThat(FileReads.acceptsZstd("zstd;q=0")).isFalse();
    assertThat(FileReads.acceptsZstd("zstd;q=0.0")).isFalse();
    assertThat(FileReads.acceptsZstd("zstd;q=x")).isFalse();
    assertThat(FileReads.acceptsZstd("gzip, *")).isFalse();
    assertThat(FileReads.acceptsZstd("zstdx, xzstd")).isFalse();
    assertThat(FileReads.acceptsZstd(null)).isFalse();
  }

  /** The status of a request sent byte for byte as given (no client normalises its path). */
  private int rawStatus(String requestLine) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  private long metric(String regex) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + regex + " ([0-9.E]+)$").matcher(send("GET", "/metrics").body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
