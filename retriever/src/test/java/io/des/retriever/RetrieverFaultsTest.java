package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.BlobStore;
import io.des.storage.S3BlobStore;
import io.des.storage.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The retriever against a real S3-compatible server behind a fault-injecting proxy: injected 503s
 * are absorbed by bounded retries, latency is tolerated, a zone replica that goes down fails over
 * and its breaker opens, and the breaker closes again after the replica recovers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrieverFaultsTest {
  private static final S3TestServer SERVER = new S3TestServer();
  private static final FaultyTcpProxy PRIMARY;
  private static final Path ZONES;
  private static final List<String> UIDS = new ArrayList<>();

  static {
    try {
      SERVER.start();
      System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
      String primaryBucket = SERVER.newBucket();
      String secondaryBucket = SERVER.newBucket();
      Path src = Files.createTempDirectory("des-faults-src");
      List<SourceFile> files = new ArrayList<>();
      CreatedAt day = CreatedAt.parse("2024-01-01");
      for (int i = 0; i < 20; i++) {
        String uid = Integer.toString(i * 16); // all in shard index 0 with n_bits 4
        UIDS.add(uid);
        files.add(new SourceFile(uid, day, -1, Files.writeString(src.resolve(uid), "content " + uid), uid));
      }
      for (String bucket : new String[] {primaryBucket, secondaryBucket}) {
        try (BlobStore store = S3BlobStore.open(SERVER.config(bucket, "archive"));
            Packer packer = new Packer(Archive.create(store, 4, ReaderLimits.DEFAULTS), PackOptions.defaults(4), PackListener.NONE)) {
          packer.pack(files);
        }
      }
      PRIMARY = new FaultyTcpProxy(SERVER.endpoint());
      ZONES = Files.createTempDirectory("des-faults").resolve("zones.yaml");
      Files.writeString(ZONES, """
          n_bits: 4
          zones:
            - name: z
              range: {start: 0, end: 15}
              s3: {bucket: %s, prefix: archive, endpoint_url: "%s"}
              replicas:
                - s3: {bucket: %s, prefix: archive, endpoint_url: "%s"}
          """.formatted(primaryBucket, PRIMARY.endpoint(), secondaryBucket, SERVER.endpoint()));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    PRIMARY.close();
    SERVER.close();
  }

  @DynamicPropertySource
  static void zones(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.zones", ZONES::toString);
    registry.add("des.retriever.retry-backoff", () -> "5ms");
    registry.add("des.retriever.breaker-wait", () -> "3s"); // long enough that the open-state checks never race it
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String uid) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/" + uid + "?created_at=2024-01-01"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private double metric(String name, String labels) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + labels + "\\} ([0-9.E+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private void readAll() throws Exception {
    for (String uid : UIDS) {
      HttpResponse<String> r = get(uid);
      assertThat(r.statusCode()).as(uid).isEqualTo(200);
      assertThat(r.body()).isEqualTo("content " + uid);
    }
  }

  @Test
  @Order(1)
  void injected503sAreRetriedAndReadsSucceed() throws Exception {
    readAll(); // warm: catalogs and indexes cached
    PRIMARY.failNextConnections(2);
    PRIMARY.down(); // drop pooled connections, so the next reads open new ones and meet the 503s
    PRIMARY.up();
    readAll();
    assertThat(metric("des_s3_retries_total", "backend=\"s3\",store=\"s3://[^\"]+\"")).isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(2)
  void latencyIsToleratedWithinTheTimeouts() throws Exception {
    PRIMARY.delay(Duration.ofMillis(150));
    PRIMARY.down();
    PRIMARY.up();
    long start = System.nanoTime();
    assertThat(get(UIDS.get(0)).body()).isEqualTo("content 0");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    PRIMARY.delay(Duration.ZERO);
  }

  @Test
  @Order(3)
  void aDownReplicaFailsOverOpensItsBreakerAndRecovers() throws Exception {
    PRIMARY.down();
    readAll(); // served by the second replica
    assertThat(metric("des_circuit_breaker_state", "replica=\"0\",zone=\"z\"")).isEqualTo(1.0);
    int connections = PRIMARY.connections();
    readAll();
    assertThat(PRIMARY.connections()).as("an open breaker sends nothing to the replica").isEqualTo(connections);

    PRIMARY.up();
    Thread.sleep(3_100); // past breaker-wait: half-open
    readAll();
    assertThat(metric("des_circuit_breaker_state", "replica=\"0\",zone=\"z\"")).isEqualTo(0.0);
  }
}
