package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.catalog.ShardName;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.format.ShardReader;
import io.des.routing.CreatedAt;
import io.des.storage.BlobInfo;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import io.des.storage.S3TestServer;
import io.des.testing.ByteSearch;
import io.des.tombstone.TombstoneStore;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The erasure promise end to end, with the fleet as separate processes: files packed through the
 * landing folder; 10% of them deleted through two retriever replicas; each deleted file answers 410
 * on both replicas at once; the coordinator, by itself, publishes repack jobs that the workers run;
 * afterwards no object in the bucket holds a deleted file (every shard's index is read, and the raw
 * bytes of every object are searched for the deleted random payloads), each tombstone has its
 * erasure record, and every other file still reads back right.
 */
class FleetErasureTest extends FleetTestBase {
  private static final int FILES = 2_000;
  private static final String API_KEY = "fleet-test-delete-key";
  /** One day: 2,000 files 40 s apart. */
  private static final Instant FIRST = Instant.parse("2024-03-01T00:00:00Z");

  static CreatedAt createdAt(int i) {
    return CreatedAt.of(FIRST.plusSeconds(40L * i));
  }

  static boolean deleted(int i) {
    return i % 10 == 3;
  }

  @Test
  void deletedFilesAreGoneAtOnceAndErasedFromEveryObject() throws Exception {
    Path landing = tmp.resolve("landing");
    land(landing);
    // Catalogs trusted for less than the 2 s grace below, as des.retriever.catalog-ttl requires.
    String[] retrieverArgs = {"--des.retriever.delete.api-keys=" + API_KEY, "--des.retriever.catalog-ttl=1s"};
    AppProcess r1 = fleet.retriever("retriever-1", retrieverArgs);
    AppProcess r2 = fleet.retriever("retriever-2", retrieverArgs);
    // Repack at once (the deadline margin covers the whole window) and purge after 2 s of grace.
    String[] erasure = {"--des.repack.scan-interval=1s", "--des.repack.deadline-margin=48h", "--des.repack.grace=2s"};
    AppProcess coordinator = fleet.coordinator("coordinator", landing, erasure);
    AppProcess w1 = fleet.worker("worker-1", "--des.repack.grace=2s");
    AppProcess w2 = fleet.worker("worker-2", "--des.repack.grace=2s");
    Fleet.awaitHealthy(Duration.ofMinutes(3), r1, r2, coordinator, w1, w2);
    FleetEndToEndTest.awaitLandingEmpty(landing, Duration.ofMinutes(3), coordinator, w1, w2);

    HttpClient http = HttpClient.newHttpClient();
    List<Integer> gone = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      if (!deleted(i)) {
        continue;
      }
      AppProcess via = gone.size() % 2 == 0 ? r1 : r2;
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(via, i, "&deleted_by=fleet-test&reason=GDPR&ticket_id=T-" + i))
          .header("X-API-Key", API_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("DELETE %s: %s", FleetEndToEndTest.uid(i), response.body()).isEqualTo(200);
      for (AppProcess replica : List.of(r1, r2)) {
        int status = http.send(HttpRequest.newBuilder(uri(replica, i, "")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).as("GET of a deleted file on %s right after its DELETE returned", replica).isEqualTo(410);
      }
      gone.add(i);
    }

    BlobStore store = BlobStores.open(fleet.store(), b -> b.endpoint(fleet.s3.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY));
    TombstoneStore tombstones = new TombstoneStore(store);
    Fleet.awaitNoneLeft("tombstones not yet erased", Duration.ofMinutes(4), () -> {
      try (Stream<TombstoneStore.Status> pending = tombstones.statuses("", true)) {
        return pending.count();
      }
    }, coordinator, w1, w2);

    try (Stream<TombstoneStore.Status> all = tombstones.statuses("", false)) {
      List<TombstoneStore.Status> statuses = all.toList();
      assertThat(statuses).hasSize(gone.size());
      assertThat(statuses).allSatisfy(s -> {
        assertThat(s.erasure()).isNotNull();
        assertThat(s.erasure().purgedAt()).isAfterOrEqualTo(s.tombstone().deletedAt());
      });
      printLatencies(statuses);
    }
    assertNoObjectHolds(store, gone);
    ReadBack.throughTheRetriever(r1, FILES, FleetErasureTest::createdAt, FleetErasureTest::deleted);
    ReadBack.throughTheRetriever(r2, FILES, FleetErasureTest::createdAt, FleetErasureTest::deleted);
    assertThat(w1.log() + w2.log()).contains("Repack job ");
  }

  /** No shard (live, retired or orphaned) lists a deleted uid, and no object's bytes hold a deleted random payload. */
  private static void assertNoObjectHolds(BlobStore store, List<Integer> gone) throws Exception {
    Set<String> goneUids = new HashSet<>();
    List<byte[]> payloads = new ArrayList<>();
    for (int i : gone) {
      goneUids.add(FleetEndToEndTest.uid(i));
      byte[] content = FleetEndToEndTest.content(i);
      if (i % 2 == 1 && content.length >= 64) { // random bytes: stored as they are, findable raw
        payloads.add(content);
      }
    }
    assertThat(payloads).as("deleted files with a raw payload to look for").hasSizeGreaterThan(gone.size() / 4);
    int shards = 0;
    long objects = 0;
    try (Stream<BlobInfo> listing = store.list("")) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        objects++;
        byte[] bytes;
        try (InputStream in = store.open(info.path())) {
          bytes = in.readAllBytes();
        }
        for (byte[] payload : payloads) {
          assertThat(ByteSearch.indexOf(bytes, payload)).as("a deleted payload in %s", info.path()).isEqualTo(-1);
        }
        String name = info.path().key().substring(info.path().key().lastIndexOf('/') + 1);
        if (ShardName.parse(name).isPresent()) {
          shards++;
          ShardReader shard = ShardReader.open(store, info.path(), ReaderLimits.DEFAULTS);
          for (IndexEntry entry : shard.index().entries()) {
            assertThat(goneUids).as("a deleted uid listed in %s", name).doesNotContain(entry.uid());
          }
        }
      }
    }
    assertThat(shards).isPositive();
    assertThat(objects).isGreaterThan(shards);
  }

  /**
   * The measured time from DELETE to a live version without the file and to the last old copy
   * deleted, for docs/performance.md (printed, not asserted: timing belongs to benchmarks).
   */
  private static void printLatencies(List<TombstoneStore.Status> statuses) {
    List<Long> removed = new ArrayList<>();
    List<Long> purged = new ArrayList<>();
    for (TombstoneStore.Status s : statuses) {
      if (s.erasure().removedAt() != null) {
        removed.add(Duration.between(s.tombstone().deletedAt(), s.erasure().removedAt()).toMillis());
      }
      purged.add(Duration.between(s.tombstone().deletedAt(), s.erasure().purgedAt()).toMillis());
    }
    System.out.printf("DELETE to swap (ms): %s%nDELETE to erasure (ms): %s%n", percentiles(removed), percentiles(purged));
  }

  private static String percentiles(List<Long> millis) {
    List<Long> sorted = millis.stream().sorted().toList();
    if (sorted.isEmpty()) {
      return "none";
    }
    return "n=" + sorted.size() + " p50=" + sorted.get(sorted.size() / 2) + " p95=" + sorted.get(sorted.size() * 95 / 100)
        + " max=" + sorted.get(sorted.size() - 1);
  }

  private static URI uri(AppProcess retriever, int i, String query) {
    return retriever.uri("/files/" + FleetEndToEndTest.uid(i) + "?created_at="
        + URLEncoder.encode(createdAt(i).toIso(), StandardCharsets.UTF_8) + query);
  }

  private static void land(Path landing) throws Exception {
    Path files = java.nio.file.Files.createDirectories(landing.resolve("files"));
    for (int i = 0; i < FILES; i++) {
      Path p = files.resolve(FleetEndToEndTest.uid(i));
      java.nio.file.Files.write(p, FleetEndToEndTest.content(i));
      java.nio.file.Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(createdAt(i).instant()));
    }
  }
}
