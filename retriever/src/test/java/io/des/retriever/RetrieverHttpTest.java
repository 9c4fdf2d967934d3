package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.LocalBlobStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The upstream HTTP cases (digest section 7, test_http_retriever.py) against a real archive. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RetrieverHttpTest {
  private static final Path STORE;
  private static final byte[] BIG = new byte[12 << 20];
  private static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");

  static {
    try {
      Path dir = Files.createTempDirectory("des-retriever-test");
      STORE = dir.resolve("store");
      Path src = Files.createDirectories(dir.resolve("src"));
      new Random(3).nextBytes(BIG);
      List<SourceFile> files = new ArrayList<>();
      for (String[] f : new String[][] {{"100", "hello"}, {"356", "world!"}, {"docs/a.txt", "alpha ".repeat(300)}, {"empty", ""}, {"corrupt-me", "x".repeat(1000)}}) {
        Path p = Files.writeString(src.resolve(f[0].replace('/', '_')), f[1]);
        files.add(new SourceFile(f[0], DAY, -1, p, f[0]));
      }
      Path big = Files.write(src.resolve("big"), BIG);
      files.add(new SourceFile("big", DAY, -1, big, "big"));
      Archive archive = Archive.create(new LocalBlobStore(STORE), 8, ReaderLimits.DEFAULTS);
      try (Packer packer = new Packer(archive, PackOptions.defaults(8).withBigFileThreshold(64L << 20), PackListener.NONE)) {
        packer.pack(files);
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.store", STORE::toString);
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> get(String pathAndQuery, String header, String value) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).header(header, value).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void servesTheOpenApiDescriptionKeptInDocs() throws Exception {
    HttpResponse<byte[]> r = get("/openapi.yaml");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo(Files.readString(Path.of("../docs/openapi.yaml")));
    assertThat(text(r)).contains("/files/{uid}:", "/health:", "/metrics:", "'206':", "'416':", "'422':", "delete:", "X-API-Key", "'410':");
  }

  @Test
  void healthSaysOk() throws Exception {
    HttpResponse<byte[]> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void getReturnsTheBytes() throws Exception {
    HttpResponse<byte[]> r = get("/files/100?created_at=2024-01-01T10:00:00Z");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("hello");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/octet-stream");
    assertThat(text(get("/files/356?created_at=2024-01-01"))).isEqualTo("world!");
  }

  @Test
  void uidsWithSlashesAndEmptyFilesWork() throws Exception {
    assertThat(text(get("/files/docs/a.txt?created_at=2024-01-01T23:59:59"))).isEqualTo("alpha ".repeat(300));
    HttpResponse<byte[]> empty = get("/files/empty?created_at=2024-01-01");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
  }

  @Test
  void largeEntriesStream() throws Exception {
    HttpResponse<byte[]> r = get("/files/big?created_at=2024-01-01");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValueAsLong("content-length")).hasValue(BIG.length);
    assertThat(r.body()).isEqualTo(BIG);
  }

  @Test
  void headGivesTheHeadersWithoutABody() throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/100?created_at=2024-01-01"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValueAsLong("content-length")).hasValue(5);
    assertThat(r.headers().firstValue("etag")).isPresent();
    assertThat(r.body()).isEmpty();
  }

  @Test
  void rangesGive206AndBadRangesGive416() throws Exception {
    HttpResponse<byte[]> mid = get("/files/100?created_at=2024-01-01", "Range", "bytes=1-3");
    assertThat(mid.statusCode()).isEqualTo(206);
    assertThat(text(mid)).isEqualTo("ell");
    assertThat(mid.headers().firstValue("content-range")).hasValue("bytes 1-3/5");
    assertThat(text(get("/files/100?created_at=2024-01-01", "Range", "bytes=-2"))).isEqualTo("lo");
    assertThat(text(get("/files/100?created_at=2024-01-01", "Range", "bytes=2-"))).isEqualTo("llo");
    HttpResponse<byte[]> beyond = get("/files/100?created_at=2024-01-01", "Range", "bytes=5-9");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("content-range")).hasValue("bytes */5");
    HttpResponse<byte[]> several = get("/files/100?created_at=2024-01-01", "Range", "bytes=0-1,3-4");
    assertThat(several.statusCode()).isEqualTo(200);
    assertThat(text(several)).isEqualTo("hello");
  }

  @Test
  void rangesOfAStreamedEntry() throws Exception {
    HttpResponse<byte[]> r = get("/files/big?created_at=2024-01-01", "Range", "bytes=1000-200999");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(BIG, 1000, 201000));
    assertThat(get("/files/big?created_at=2024-01-01", "Range", "bytes=-10").body())
        .isEqualTo(java.util.Arrays.copyOfRange(BIG, BIG.length - 10, BIG.length));
  }

  @Test
  void anEtagMatchIs304() throws Exception {
    String etag = get("/files/356?created_at=2024-01-01").headers().firstValue("etag").orElseThrow();
    HttpResponse<byte[]> again = get("/files/356?created_at=2024-01-01", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(get("/files/356?created_at=2024-01-01", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @Test
  void aBatchAnswersEveryItemInOrder() throws Exception {
    String body = "{\"items\":[{\"uid\":\"100\",\"created_at\":\"2024-01-01\"},{\"uid\":\"999\",\"created_at\":\"2024-01-01\"},"
        + "{\"uid\":\"docs/a.txt\",\"created_at\":\"2024-01-01T12:00:00Z\"},{\"uid\":\"356\",\"created_at\":\"nope\"},"
        + "{\"uid\":\"big\",\"created_at\":\"2024-01-01\"},{\"uid\":\"empty\",\"created_at\":\"2024-01-01\"}]}";
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/batch"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/x-ndjson"));
    List<String> lines = text(r).lines().toList();
    assertThat(lines).hasSize(6);
    java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
    assertThat(lines.get(0)).contains("\"uid\":\"100\"", "\"status\":200");
    assertThat(new String(b64.decode(field(lines.get(0), "content_base64")), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(lines.get(1)).contains("\"status\":404", "File not found");
    assertThat(new String(b64.decode(field(lines.get(2), "content_base64")), StandardCharsets.UTF_8)).isEqualTo("alpha ".repeat(300));
    assertThat(lines.get(3)).contains("\"status\":400", "Invalid created_at format");
    assertThat(lines.get(4)).contains("\"status\":413", "fetch it with GET");
    assertThat(lines.get(5)).contains("\"status\":200", "\"size\":0");
  }

  @Test
  void aBatchIsBounded() throws Exception {
    StringBuilder body = new StringBuilder("{\"items\":[");
    for (int i = 0; i <= BatchController.MAX_ITEMS; i++) {
      body.append(i == 0 ? "" : ",").append("{\"uid\":\"").append(i).append("\",\"created_at\":\"2024-01-01\"}");
    }
    body.append("]}");
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/batch"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(text(r)).isEqualTo("{\"detail\":\"At most 1000 items per batch, got 1001\"}");
  }

  private static String field(String json, String name) {
    int at = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
    return json.substring(at, json.indexOf('"', at));
  }

  @Test
  void unknownUidOrWrongDateIs404() throws Exception {
    HttpResponse<byte[]> unknown = get("/files/999?created_at=2024-01-01");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(text(unknown)).isEqualTo("{\"detail\":\"File not found\"}");
    assertThat(get("/files/100?created_at=2024-01-02").statusCode()).isEqualTo(404);
  }

  @Test
  void badDateIs400AndMissingDateIs422() throws Exception {
    HttpResponse<byte[]> bad = get("/files/100?created_at=not-a-date");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(text(bad)).isEqualTo("{\"detail\":\"Invalid created_at format\"}");
    HttpResponse<byte[]> missing = get("/files/100");
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(text(missing)).isEqualTo("{\"detail\":\"created_at is required\"}");
  }

  @Test
  void aCorruptEntryIs500AndNeverWrongBytes() throws Exception {
    Archive archive = Archive.open(new LocalBlobStore(STORE), null, ReaderLimits.DEFAULTS);
    Archive.Located located = archive.locate("corrupt-me", DAY);
    assertThat(archive.router().route("corrupt-me", DAY.routingDate()))
        .as("alone in its shard key, so no other test reads this shard")
        .isNotIn(archive.router().route("100", DAY.routingDate()), archive.router().route("356", DAY.routingDate()),
            archive.router().route("docs/a.txt", DAY.routingDate()), archive.router().route("empty", DAY.routingDate()),
            archive.router().route("big", DAY.routingDate()));
    Path shard = STORE.resolve(located.shard().path().key());
    byte[] bytes = Files.readAllBytes(shard);
    bytes[(int) located.entry().offset()] ^= 0x20;
    Files.write(shard, bytes);
    HttpResponse<byte[]> r = get("/files/corrupt-me?created_at=2024-01-01");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(text(r)).isEqualTo("{\"detail\":\"Stored file is corrupt\"}");
  }

  @Test
  void metricsCountRetrievalsInBothPlaces() throws Exception {
    get("/files/100?created_at=2024-01-01");
    get("/files/999?created_at=2024-01-01");
    String metrics = text(get("/metrics"));
    assertThat(metrics).contains("des_retrievals_total{backend=\"local\",status=\"ok\"}", "des_retrievals_total{backend=\"local\",status=\"not_found\"}",
        "des_retrieval_seconds_count{backend=\"local\"}");
    assertThat(text(get("/actuator/prometheus"))).contains("des_retrievals_total");
    assertThat(metrics).contains("des_cache_memory_bytes{cache=\"index\"}", "des_cache_hits_total{cache=\"index\"}",
        "des_cache_evictions_total{cache=\"index\",cause=\"size\"}");
    assertThat(metrics).doesNotContain("des_cache_memory_bytes{cache=\"index\"} 0.0");
    assertThat(metrics).contains("des_s3_retries_total{backend=\"local\",store=\"file:");
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
  }

  private static final int CLIENTS = 8;
  private static final int REQUESTS_PER_CLIENT = 1_000;
  private static final String[] PATHS = {
    "/files/100?created_at=2024-01-01", "/files/356?created_at=2024-01-01T10:00:00Z",
    "/files/docs/a.txt?created_at=2024-01-01", "/files/empty?created_at=2024-01-01", "/files/999?created_at=2024-01-01"
  };

  /**
   * A bounded load on loopback (8 clients, a fixed number of requests, stops by itself): no errors,
   * and the heap after the load is not larger than after a warm-up load of the same kind.
   */
  @Test
  void boundedLoadHasNoErrorsAndNoHeapGrowth() throws Exception {
    load(); // warm-up: JIT, caches, pools
    long before = usedHeapAfterGc();
    long[] outcome = load();
    long after = usedHeapAfterGc();
    assertThat(outcome[1]).as("unexpected statuses").isZero();
    assertThat(outcome[0]).isEqualTo((long) CLIENTS * REQUESTS_PER_CLIENT);
    assertThat(after - before).as("heap growth in bytes").isLessThan(16L << 20);
  }

  /** Returns {requests, unexpected statuses}. */
  private long[] load() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicLong done = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      clients.add(pool.submit(() -> {
        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
          String path = PATHS[(client + i) % PATHS.length];
          HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
          int expected = path.startsWith("/files/999") ? 404 : 200;
          if (r.statusCode() != expected) {
            wrong.incrementAndGet();
          }
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : clients) {
      f.get();
    }
    pool.shutdown();
    return new long[] {done.get(), wrong.get()};
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
