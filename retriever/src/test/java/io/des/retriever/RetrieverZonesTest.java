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
import java.time.Instant;
import java.util.List;
import io.des.routing.Router;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The multi-zone service (upstream's multi_s3 cases): zone a (shard indexes 0-7) and zone b (8-15)
 * route to their own stores; zone a has a second, healthy replica (a copy of its store); zone b's
 * first replica is an S3 endpoint that is down, so its reads fail over to the second. A DELETE
 * writes its tombstone to every replica of the zone before it answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RetrieverZonesTest {
  private static final Path ZONES;
  private static final Path A;
  private static final Path A_COPY;
  private static final Path B;
  /** Uids of zone a and zone b, for the DELETE tests. */
  private static final List<String> IN_A = DeleteFixtures.uidsInRange("a", 4, 0, 7, 2);
  private static final List<String> IN_B = DeleteFixtures.uidsInRange("b", 4, 8, 15, 1);

  static {
    try {
      Path dir = Files.createTempDirectory("des-zones-test");
      CreatedAt day = CreatedAt.parse("2024-01-01T00:00:00Z");
      A = dir.resolve("a");
      A_COPY = dir.resolve("a-copy");
      B = dir.resolve("b");
      pack(A, "3", "three", day);
      DeleteFixtures.pack(A, 4, IN_A);
      copy(A, A_COPY);
      pack(B, "9", "nine", day);
      DeleteFixtures.pack(B, 4, IN_B);
      ZONES = dir.resolve("zones.yaml");
      Files.writeString(ZONES, """
          n_bits: 4
          zones:
            - name: a
              range: {start: 0, end: 7}
              store: %s
              replicas:
                - store: %s
            - name: b
              range: {start: 8, end: 15}
              s3: {bucket: zone-b, endpoint_url: "http://127.0.0.1:1"}
              replicas:
                - store: %s
          """.formatted(A, A_COPY, B));
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

  private static void copy(Path from, Path to) throws java.io.IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  @DynamicPropertySource
  static void zones(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.zones", ZONES::toString);
    registry.add("des.retriever.retry-backoff", () -> "1ms");
    registry.add("des.retriever.delete.api-keys", () -> DeleteFixtures.KEY);
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

  @Test
  void aDeleteWritesTheTombstoneToEveryReplicaOfTheZone() throws Exception {
    DeleteFixtures.Client client = new DeleteFixtures.Client(http, port);
    String uid = IN_A.get(0);
    assertThat(client.deleteWithKey(uid).statusCode()).isEqualTo(200);
    assertThat(DeleteFixtures.tombstoned(A, 4, uid)).isTrue();
    assertThat(DeleteFixtures.tombstoned(A_COPY, 4, uid)).isTrue();
    assertThat(Files.readString(tombstone(A, uid))).isEqualTo(Files.readString(tombstone(A_COPY, uid)));
    assertThat(client.get("/files/" + uid + "?created_at=2024-03-05T12:00:00Z").statusCode()).isEqualTo(410);
  }

  @Test
  void aDeleteThatReachedOnlySomeReplicasIsCompletedByTheNext() throws Exception {
    String uid = IN_A.get(1);
    Archive a = Archive.open(new LocalBlobStore(A), null, ReaderLimits.DEFAULTS);
    Instant now = Instant.now();
    a.tombstones().add(new Tombstone(a.router().route(uid, DeleteFixtures.DAY), uid, "2024-03-05", now, "earlier", DeletionReason.GDPR,
        null, now.plusSeconds(3600))); // as if the copy had failed
    assertThat(DeleteFixtures.tombstoned(A_COPY, 4, uid)).isFalse();
    HttpResponse<String> again = new DeleteFixtures.Client(http, port).deleteWithKey(uid);
    assertThat(again.statusCode()).isEqualTo(410);
    assertThat(Files.readString(tombstone(A_COPY, uid))).as("the first DELETE's record, copied").isEqualTo(Files.readString(tombstone(A, uid)))
        .contains("\"deleted_by\" : \"earlier\"");
  }

  @Test
  void aDeleteWithAReplicaDownIs503ButHidesTheFileWhereItWrote() throws Exception {
    DeleteFixtures.Client client = new DeleteFixtures.Client(http, port);
    String uid = IN_B.get(0);
    HttpResponse<String> r = client.deleteWithKey(uid);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).startsWith("{\"detail\":\"Tombstone written to 1 of 2 locations, retry the DELETE; failed: b/0: ");
    assertThat(DeleteFixtures.tombstoned(B, 4, uid)).isTrue();
    assertThat(client.get("/files/" + uid + "?created_at=2024-03-05").statusCode()).as("the replica reads refuse it").isEqualTo(410);
    assertThat(client.deleteWithKey(uid).statusCode()).as("still incomplete while b/0 is down").isEqualTo(503);
  }

  private static Path tombstone(Path store, String uid) {
    return store.resolve(TombstoneStore.tombstonePath(new Router(4).route(uid, DeleteFixtures.DAY), uid).key());
  }
}
