package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.routing.CreatedAt;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.S3BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A landing store on S3 (docs/fleet.md): objects named by a manifest go through the coordinator and
 * a worker, configured only with {@code des.landing.store}, into shards; every file reads back
 * through the retriever, the objects are deleted and the manifest moves to {@code done/}.
 */
class FleetLandingStoreTest {
  private static final int FILES = 600;
  private static Fleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new Fleet(Path.of("target", "fleet-logs", "landing-store"));
  }

  @AfterAll
  static void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void objectsNamedByAManifestArePackedReadBackAndDeleted() throws Exception {
    String bucket = fleet.s3.newBucket();
    String landingStore = "--des.landing.store=s3://" + bucket + "/in";
    StringBuilder manifest = new StringBuilder("[");
    try (BlobStore landing = S3BlobStore.open(fleet.s3.config(bucket, "in"))) {
      for (int i = 0; i < FILES; i++) {
        landing.putReplace(BlobPath.of("incoming/" + i), FleetEndToEndTest.content(i));
        manifest.append(i == 0 ? "" : ",").append("{\"uid\":\"").append(FleetEndToEndTest.uid(i))
            .append("\",\"created_at\":\"").append(FleetEndToEndTest.createdAt(i)).append("\",\"size_bytes\":")
            .append(FleetEndToEndTest.content(i).length).append(",\"source_path\":\"incoming/").append(i).append("\"}");
      }
      landing.putReplace(BlobPath.of("manifests/batch.json"), manifest.append(']').toString().getBytes(StandardCharsets.UTF_8));

      AppProcess retriever = fleet.retriever();
      AppProcess coordinator = fleet.coordinator("coordinator", landingStore);
      AppProcess worker = fleet.worker("worker-1", landingStore);
      Fleet.awaitHealthy(Duration.ofMinutes(3), retriever, coordinator, worker);

      Fleet.awaitNoneLeft("objects still in the landing store", Duration.ofMinutes(3), () -> {
        try (var objects = landing.list("incoming/")) {
          return objects.count();
        }
      }, coordinator, worker);

      ReadBack.throughTheRetriever(retriever, FILES, i -> CreatedAt.of(FleetEndToEndTest.createdAt(i)));
      ReadBack.eachInExactlyOneLiveShard(fleet, FILES, i -> CreatedAt.of(FleetEndToEndTest.createdAt(i)));
      Fleet.awaitNoneLeft("manifests not moved to done/", Duration.ofSeconds(30),
          () -> landing.stat(BlobPath.of("manifests/batch.json")).isPresent() ? 1 : 0, coordinator);
      assertThat(landing.stat(BlobPath.of("manifests/done/batch.json"))).isPresent();
      assertThat(coordinator.get("/status")).contains("landing-store").contains("\"failed\":0");
    }
  }
}
