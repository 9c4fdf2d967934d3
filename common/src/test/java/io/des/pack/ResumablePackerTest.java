package io.des.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.format.ReaderLimits;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.storage.FaultyBlobStore;
import io.des.storage.LocalBlobStore;
import io.des.storage.S3BlobStore;
import io.des.storage.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A pack whose writer dies half way is resumed by the next one from its last checkpoint. */
class ResumablePackerTest {
  private static final CreatedAt DAY = CreatedAt.parse("2024-02-02T08:00:00Z");
  private static final int FILES = 240;
  private static final S3TestServer S3 = new S3TestServer();

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    S3.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    S3.close();
  }

  private BlobStore store(String kind) throws IOException {
    return kind.equals("s3") ? S3BlobStore.open(S3.config(S3.newBucket(), "archive")) : new LocalBlobStore(tmp.resolve("store"));
  }

  /** 240 incompressible files of 100 KiB, all of one shard key: about 24 MiB, several S3 parts. */
  private List<SourceFile> files() throws IOException {
    Router router = new Router(8);
    ShardKey key = router.route("file-0", DAY);
    Path src = Files.createDirectories(tmp.resolve("src"));
    Random random = new Random(3);
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; files.size() < FILES; i++) {
      String uid = "file-" + i;
      if (router.route(uid, DAY).equals(key)) {
        byte[] content = new byte[100 * 1024];
        random.nextBytes(content);
        Path p = src.resolve(uid);
        Files.write(p, content);
        files.add(new SourceFile(uid, DAY, content.length, p, uid));
      }
    }
    return files;
  }

  /** A checkpoint kept in memory, as a worker keeps it in Redis. */
  private static final class MemoryProgress implements ResumablePacker.Progress {
    final AtomicReference<byte[]> saved = new AtomicReference<>();
    final AtomicInteger saves = new AtomicInteger();

    @Override
    public Optional<byte[]> load() {
      return Optional.ofNullable(saved.get());
    }

    @Override
    public void save(byte[] checkpoint) {
      saved.set(checkpoint);
      saves.incrementAndGet();
    }
  }

  /** Counts the files a run plans to write, and kills the store after {@code dieAfter} of them. */
  private static PackListener counting(AtomicLong planned, FaultyBlobStore store, int dieAfter) {
    AtomicInteger packed = new AtomicInteger();
    return new PackListener() {
      @Override
      public void planned(long files, long bytes) {
        planned.set(files);
      }

      @Override
      public void packed(long bytes) {
        if (packed.incrementAndGet() == dieAfter && store != null) {
          store.die();
        }
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "s3"})
  void aWriterThatDiesMidShardIsResumedFromItsLastCheckpoint(String kind) throws Exception {
    BlobStore backend = store(kind);
    FaultyBlobStore dying = new FaultyBlobStore(backend);
    List<SourceFile> files = files();
    MemoryProgress progress = new MemoryProgress();
    AtomicLong planned = new AtomicLong();
    PackOptions options = PackOptions.defaults(8);

    try (ResumablePacker first = new ResumablePacker(Archive.create(dying, 8, ReaderLimits.DEFAULTS), options, counting(planned, dying, 200))) {
      assertThatThrownBy(() -> first.pack(files, 1, progress)).isInstanceOf(IOException.class).hasMessageContaining("Injected death");
    }
    assertThat(progress.saves.get()).as("checkpoints before the death").isGreaterThanOrEqualTo(2);

    Archive archive = Archive.create(backend, 8, ReaderLimits.DEFAULTS);
    PackReport report;
    try (ResumablePacker second = new ResumablePacker(archive, options, counting(planned, null, -1))) {
      report = second.pack(files, 2, progress);
    }
    assertThat(planned.get()).as("files left after the checkpoint").isGreaterThan(0).isLessThan(FILES - 100);
    assertThat(report.files()).isEqualTo(FILES);
    assertThat(report.shards()).hasSize(1);
    CatalogState state = archive.catalog().load(archive.router().route(files.get(0).uid(), DAY));
    assertThat(state.shards()).hasSize(1);
    assertThat(state.fence()).isEqualTo(2);
    for (SourceFile f : files) {
      assertThat(archive.locate(f.uid(), DAY).shard().read(f.uid())).isEqualTo(Files.readAllBytes(f.path()));
    }
    assertNoUnfinishedUploads(kind, backend);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "s3"})
  void aCheckpointWhoseUploadIsGoneIsPackedAfresh(String kind) throws Exception {
    BlobStore backend = store(kind);
    FaultyBlobStore dying = new FaultyBlobStore(backend);
    List<SourceFile> files = files();
    MemoryProgress progress = new MemoryProgress();
    AtomicLong planned = new AtomicLong();
    try (ResumablePacker first = new ResumablePacker(Archive.create(dying, 8, ReaderLimits.DEFAULTS), PackOptions.defaults(8), counting(planned, dying, 200))) {
      assertThatThrownBy(() -> first.pack(files, 1, progress)).isInstanceOf(IOException.class);
    }
    ShardKey key = new Router(8).route(files.get(0).uid(), DAY);
    assertThat(backend.abortUploads(key.prefix())).isOne(); // an operator's cleanup, say

    Archive archive = Archive.create(backend, 8, ReaderLimits.DEFAULTS);
    try (ResumablePacker second = new ResumablePacker(archive, PackOptions.defaults(8), counting(planned, null, -1))) {
      assertThat(second.pack(files, 2, progress).files()).isEqualTo(FILES);
    }
    assertThat(planned.get()).isEqualTo(FILES);
    for (SourceFile f : files) {
      assertThat(archive.locate(f.uid(), DAY).shard().read(f.uid())).isEqualTo(Files.readAllBytes(f.path()));
    }
    assertNoUnfinishedUploads(kind, backend);
  }

  private void assertNoUnfinishedUploads(String kind, BlobStore backend) throws IOException {
    if (kind.equals("s3")) {
      String bucket = ((S3BlobStore) backend).config().bucket();
      assertThat(S3.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    } else {
      Path temps = tmp.resolve("store/.des-tmp");
      if (Files.exists(temps)) {
        try (Stream<Path> left = Files.list(temps)) {
          assertThat(left).isEmpty();
        }
      }
    }
  }
}
