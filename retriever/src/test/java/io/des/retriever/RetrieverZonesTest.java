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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The multi-zone service (upstream's multi_s3 cases): zone a (shard indexes 0-7) and zone b (8-15)
 * route to their own stores; zone b's first replica is an S3 endpoint that is down, so its reads
 * fail over to the second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RetrieverZonesTest {
  private static final Path ZONES;

  static {
    try {
      Path dir = Files.createTempDirectory("des-zones-test");
      CreatedAt day = CreatedAt.parse("2024-01-01T00:00:00Z");
      pack(dir.resolve("a"), "3", "three", day);
      pack(dir.resolve("b"), "9", "nine", day);
      ZONES = dir.resolve("zones.yaml");
      Files.writeString(ZONES, """
          n_bits: 4
          zones:
            - name: a
              range: {start: 0, end: 7}
              store: %s
            - name: b
              range: {start: 8, end: 15}
              s3: {bucket: zone-b, endpoint_url: "http://127.0.0.1:1"}
              replicas:
                - store: %s
          """.formatted(dir.resolve("a"), dir.resolve("b")));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static void pack(Path store, String uid, String content, CreatedAt day) throws Exception {
    Path src = Files.writeString(Files.createDirectories(store.resolveSibling("src-" + uid)).resolve(uid), content);
    try (Packer packer = new Packer(Archive.create(new LocalBlobStore(store), 4, ReaderLimits.DEFAULTS), PackOptions.defaults(4), PackListener.NONE)) {
      packer.pack(List.of(new SourceFile(uid, day, -1, src, uid)));
    }
  }

  @DynamicPropertySource
  static void zones(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.zones", ZONES::toString);
    registry.add("des.retriever.retry-backoff", () -> "1ms");
  }

  @LocalServerPort int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachZoneServesItsRangeAndADownReplicaFailsOver() throws Exception {
    assertThat(get("/files/3?created_at=2024-01-01T00:00:00Z").body()).isEqualTo("three");
    HttpResponse<String> nine = get("/files/9?created_at=2024-01-01T00:00:00Z");
    assertThat(nine.statusCode()).isEqualTo(200);
    assertThat(nine.body()).isEqualTo("nine");
    assertThat(get("/files/10?created_at=2024-01-01").statusCode()).isEqualTo(404);
    String metrics = get("/metrics").body();
    assertThat(metrics).contains("des_retrievals_total{backend=\"multi_s3\",status=\"ok\"}",
        "des_circuit_breaker_state{replica=\"0\",zone=\"b\"}", "des_s3_retries_total{backend=\"s3\"");
  }
}
