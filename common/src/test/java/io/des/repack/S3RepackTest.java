package io.des.repack;

import static io.des.repack.RepackFixture.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.des.storage.BlobPath;
import io.des.storage.S3BlobStore;
import io.des.storage.S3TestServer;
import io.des.testing.ByteSearch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repack and purge against a real S3-compatible server (S3Proxy): conditional creates, ranged and streamed reads, deletes. */
class S3RepackTest {
  private static final S3TestServer SERVER = new S3TestServer();
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    SERVER.start();
  }

  @AfterAll
  static void stopServer() {
    SERVER.close();
  }

  @Test
  void aRepackAndPurgeOnS3EraseTheDeletedFilesAndKeepTheRest() throws Exception {
    RepackFixture f = new RepackFixture(S3BlobStore.open(SERVER.config(SERVER.newBucket(), "archive")), tmp);
    f.pack(40);
    f.deleteEvery(10);
    Repacker repacker = f.repacker(RepackOptions.defaults().withGrace(Duration.ZERO));

    RepackReport report = repacker.run(KEY, 1, Set.of(), RepackListener.NONE);
    PurgeReport purged = repacker.purge(KEY, 1);

    assertThat(report.repacked()).singleElement().satisfies(r -> {
      assertThat(r.to()).isEqualTo("20240101_64_0000_R002.des");
      assertThat(r.kept()).isEqualTo(36);
    });
    assertThat(purged.deleted()).containsExactly("20240101_64_0000.des");
    assertThat(purged.erasureRecords()).isEqualTo(4);
    assertThat(f.store.stat(BlobPath.of("20240101_64_0000.des"))).isEmpty();
    Map<String, byte[]> blobs = f.allBlobs();
    for (String uid : f.deleted) {
      if (Integer.parseInt(uid) % 2 == 0) {
        assertThat(blobs.values()).noneMatch(b -> ByteSearch.contains(b, f.files.get(uid)));
      }
    }
    f.assertConsistent();
  }

  @Test
  void aPurgeOnS3ErasesDeletedBigFileContentAndKeepsContentAnotherKeyShares() throws Exception {
    BigFileFixture f = new BigFileFixture(S3BlobStore.open(SERVER.config(SERVER.newBucket(), "archive")), tmp);
    byte[] own = f.content(3000), same = f.content(2500);
    String x = BigFileFixture.uid(BigFileFixture.A, 0), a = BigFileFixture.uid(BigFileFixture.A, 1), b = BigFileFixture.uid(BigFileFixture.B, 0);
    java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put(x, own);
    files.put(a, same);
    files.put(b, same);
    f.pack(files);
    f.delete(BigFileFixture.A, x);
    f.delete(BigFileFixture.A, a);

    PurgeReport purged = f.erase(BigFileFixture.A);

    assertThat(purged.deleted()).containsExactly("20240101_64_0000.des");
    assertThat(f.store.stat(BigFileFixture.blob(BigFileFixture.sha256(own)))).isEmpty();
    assertThat(f.refs(BigFileFixture.sha256(own))).isEmpty();
    assertThat(f.erasure(BigFileFixture.A, x)).hasValueSatisfying(e -> assertThat(e.contentShared()).isFalse());
    assertThat(f.refs(BigFileFixture.sha256(same))).containsExactly(BigFileFixture.B.toString());
    assertThat(f.erasure(BigFileFixture.A, a)).hasValueSatisfying(e -> assertThat(e.contentShared()).isTrue());
    assertThat(f.read(b)).isEqualTo(same);
    assertThat(f.anyBlobContains(own)).isFalse();
  }
}
