package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.job.JobFile;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.S3BlobStore;
import io.des.storage.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A landing store scanned as a landing folder: on the in-memory store and on a real S3-compatible server. */
class StoreLandingSourceTest {
  private static final S3TestServer SERVER = new S3TestServer();

  @BeforeAll
  static void start() throws Exception {
    SERVER.start();
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  static Stream<Arguments> stores() {
    return Stream.of(
        Arguments.of("in memory", (java.util.function.Supplier<BlobStore>) InMemoryBlobStore::new),
        Arguments.of("s3", (java.util.function.Supplier<BlobStore>) () -> S3BlobStore.open(SERVER.config(SERVER.newBucket(), "landing"))));
  }

  private static void put(BlobStore store, String key, String content) throws Exception {
    store.putReplace(BlobPath.of(key), content.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void looseObjectsAreFilesNamedByTheirKeys(String name, java.util.function.Supplier<BlobStore> stores) throws Exception {
    try (BlobStore landing = stores.get()) {
      put(landing, "files/a.txt", "alpha");
      put(landing, "files/dir/b.txt", "bravo!");
      put(landing, "files/12\u00b2", "a digit that upstream's int() refuses"); // superscript two

      FileSource.Scan scan = new StoreLandingSource(landing, new Router(8)).scan(100);

      assertThat(scan.files()).extracting(JobFile::uid).containsExactlyInAnyOrder("a.txt", "dir/b.txt");
      JobFile a = scan.files().stream().filter(f -> f.uid().equals("a.txt")).findFirst().orElseThrow();
      BlobInfo object = landing.stat(BlobPath.of("files/a.txt")).orElseThrow();
      assertThat(a.location()).isEqualTo("files/a.txt");
      assertThat(a.size()).isEqualTo(5);
      assertThat(a.createdAt()).isEqualTo(CreatedAt.of(object.lastModified()));
      assertThat(scan.problems()).singleElement().satisfies(p -> assertThat(p.reason()).contains("str.isdigit()"));
      assertThat(scan.oldest()).isNotNull();
      assertThat(new StoreLandingSource(landing, new Router(8)).scan(1).files()).as("at most the scan's limit").hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void manifestsNameObjectsByKeyAndMoveToDoneOnceNothingIsLeft(String name, java.util.function.Supplier<BlobStore> stores) throws Exception {
    try (BlobStore landing = stores.get()) {
      put(landing, "incoming/1.bin", "one");
      put(landing, "incoming/2.bin", "twenty-two");
      put(landing, "manifests/batch.json", """
          [{"uid": "u1", "created_at": "2024-05-17T10:00:00Z", "size_bytes": 3, "source_path": "incoming/1.bin"},
           {"uid": "u2", "created_at": "2024-05-17T11:00:00Z", "size_bytes": 5, "source_path": "incoming/2.bin"},
           {"uid": "u3", "created_at": "2024-05-17T12:00:00Z", "source_path": "incoming/3.bin"}]
          """);
      put(landing, "manifests/old.csv", "uid,created_at,size_bytes,source_path\nu9,2024-05-17,4,incoming/gone.bin\n");
      StoreLandingSource source = new StoreLandingSource(landing, new Router(8));

      FileSource.Scan scan = source.scan(100);

      assertThat(scan.files()).singleElement().satisfies(f -> {
        assertThat(f.uid()).isEqualTo("u1");
        assertThat(f.location()).isEqualTo("incoming/1.bin");
        assertThat(f.createdAt()).isEqualTo(CreatedAt.parse("2024-05-17T10:00:00Z"));
      });
      assertThat(scan.problems()).singleElement().satisfies(p -> {
        assertThat(p.where()).isEqualTo("manifests/batch.json item 1");
        assertThat(p.reason()).isEqualTo("size mismatch for UID 'u2' (expected 5, got 10)");
      });
      assertThat(landing.stat(BlobPath.of("manifests/old.csv"))).as("nothing left of it").isEmpty();
      assertThat(landing.stat(BlobPath.of("manifests/done/old.csv"))).isPresent();
      assertThat(landing.stat(BlobPath.of("manifests/batch.json"))).isPresent();

      landing.delete(List.of(BlobPath.of("incoming/1.bin"), BlobPath.of("incoming/2.bin"))); // packed (or given up)
      assertThat(source.scan(100).files()).isEmpty();
      assertThat(landing.stat(BlobPath.of("manifests/done/batch.json"))).isPresent();
    }
  }
}
