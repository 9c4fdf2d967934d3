package io.des.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.catalog.CatalogConflictException;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import io.des.storage.BlobUpload;
import io.des.codec.Codec;
import io.des.codec.CompressionPolicy;
import io.des.format.ReaderLimits;
import io.des.format.ShardReader;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.storage.BlobInfo;
import io.des.storage.LocalBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packing folders and manifests into an archive, and packing them again. */
class PackerTest {
  @TempDir Path tmp;

  private static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");

  private List<SourceFile> files(int count, long seed) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src-" + seed));
    Random random = new Random(seed);
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path p = src.resolve("f" + i);
      byte[] content = i % 2 == 0
          ? ("record " + i + " ").repeat(1 + random.nextInt(200)).getBytes(StandardCharsets.UTF_8)
          : randomBytes(random, random.nextInt(5000));
      Files.write(p, content);
      files.add(new SourceFile("uid-" + i, DAY, content.length, p, p.toString()));
    }
    return files;
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private Archive archive(Path dir) {
    return new Archive(new LocalBlobStore(dir), 8, ReaderLimits.DEFAULTS, 16 << 20);
  }

  private PackReport pack(Archive archive, PackOptions options, List<SourceFile> files) throws Exception {
    try (Packer packer = new Packer(archive, options, PackListener.NONE)) {
      return packer.pack(files);
    }
  }

  @Test
  void everyPackedFileReadsBackExactly() throws Exception {
    List<SourceFile> files = files(300, 1);
    Archive archive = archive(tmp.resolve("store"));
    PackReport report = pack(archive, PackOptions.defaults(8).withMaxShardSize(20_000), files);
    assertThat(report.files()).isEqualTo(300);
    assertThat(report.shards().size()).isGreaterThan(10);
    for (SourceFile f : files) {
      Archive.Located located = archive.locate(f.uid(), f.createdAt());
      assertThat(located.shard().read(f.uid())).isEqualTo(Files.readAllBytes(f.path()));
    }
    assertThat(report.storedBytes()).isLessThan(report.contentBytes());
  }

  @Test
  void packingTheSameInputAgainAddsNothing() throws Exception {
    List<SourceFile> files = files(50, 2);
    Archive archive = archive(tmp.resolve("store"));
    PackReport first = pack(archive, PackOptions.defaults(8), files);
    PackReport second = pack(archive, PackOptions.defaults(8), files);
    assertThat(second.shards()).isEmpty();
    assertThat(second.skipped()).isEqualTo(50);
    assertThat(second.files()).isZero();
    assertThat(shardFiles(tmp.resolve("store"))).hasSize(first.shards().size());
  }

  @Test
  void newFilesForAKeyGetTheNextSequenceNumber() throws Exception {
    List<SourceFile> files = files(20, 3);
    Archive archive = archive(tmp.resolve("store"));
    pack(archive, PackOptions.defaults(8), files.subList(0, 10));
    PackReport more = pack(archive, PackOptions.defaults(8), files);
    assertThat(more.files()).isEqualTo(10);
    assertThat(more.skipped()).isEqualTo(10);
    for (SourceFile f : files) {
      assertThat(archive.locate(f.uid(), f.createdAt()).shard().read(f.uid())).isEqualTo(Files.readAllBytes(f.path()));
    }
    assertThat(shardFiles(tmp.resolve("store"))).allMatch(n -> n.matches("20240101_[0-9A-F]{2}_000[01]\\.des"));
  }

  @Test
  void aShardLeftByACrashedRunIsNeverOverwritten() throws Exception {
    List<SourceFile> files = files(6, 4).stream().map(f -> new SourceFile("100", DAY, -1, f.path(), f.line())).limit(1).collect(Collectors.toList());
    Path store = tmp.resolve("store");
    Archive archive = archive(store);
    pack(archive, PackOptions.defaults(8), files);
    // A crashed run uploaded shard 0001 (uid "356", same key as "100") but never made it live.
    byte[] orphan;
    try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
      io.des.format.ShardWriter w = io.des.format.ShardWriter.to(out, "orphan", 8);
      byte[] ghost = "ghost".getBytes(StandardCharsets.UTF_8);
      w.add(new io.des.format.EncodedEntry("356", Codec.NONE, ghost, 0, ghost.length, ghost.length, -1, null, null));
      w.finish();
      orphan = out.toByteArray();
    }
    Files.write(store.resolve("20240101_64_0001.des"), orphan);
    Path src = Files.writeString(tmp.resolve("356.txt"), "the real 356");
    pack(archive, PackOptions.defaults(8), List.of(new SourceFile("356", DAY, -1, src, "line 1")));
    assertThat(Files.readAllBytes(store.resolve("20240101_64_0001.des"))).isEqualTo(orphan);
    Archive.Located located = archive.locate("356", DAY);
    assertThat(located.shard().path().key()).isEqualTo("20240101_64_0002.des");
    assertThat(located.shard().read("356")).asString(StandardCharsets.UTF_8).isEqualTo("the real 356");
  }

  @Test
  void anArchiveDesCreatedIsPackedWithoutListing() throws Exception {
    io.des.storage.FaultyBlobStore counting = new io.des.storage.FaultyBlobStore(new LocalBlobStore(tmp.resolve("store")));
    Archive archive = Archive.create(counting, 8, ReaderLimits.DEFAULTS);
    assertThat(counting.lists()).as("one listing to learn the folder holds no upstream shards").isEqualTo(1);
    pack(archive, PackOptions.defaults(8), files(100, 11));
    pack(archive, PackOptions.defaults(8), files(120, 11));
    assertThat(counting.lists()).isEqualTo(1);
  }

  @Test
  void anUpstreamFolderIsAdoptedAndItsShardsStayLive() throws Exception {
    Path store = Files.createDirectories(tmp.resolve("store"));
    // An upstream-written shard for key 20240101_64 (uid "100"), with no catalog.
    Path golden = Path.of(getClass().getResource("/golden/upstream/v2-hello-world.des").toURI());
    Files.copy(golden, store.resolve("20240101_64_0000.des"));
    Archive archive = Archive.create(new LocalBlobStore(store), 8, ReaderLimits.DEFAULTS);
    Path src = Files.writeString(tmp.resolve("356.txt"), "three five six");
    pack(archive, PackOptions.defaults(8), List.of(new SourceFile("356", DAY, -1, src, "line 1")));
    assertThat(archive.locate("356", DAY).shard().path().key()).isEqualTo("20240101_64_0001.des");
    // The catalog's first generation adopted the upstream shard (its uids are not routed here; it is the file that counts).
    assertThat(archive.catalog().load(new io.des.routing.ShardKey("20240101", "64")).shards())
        .extracting(io.des.catalog.LiveShard::name).containsExactly("20240101_64_0000.des", "20240101_64_0001.des");
    assertThat(archive.locateIn(new io.des.routing.ShardKey("20240101", "64"), "a").orElseThrow().shard().read("a"))
        .asString(StandardCharsets.UTF_8).isEqualTo("hello");
  }

  @Test
  void aRunThatDiesAtAnyWriteLeavesOnlyWholeShardsAndCanBeRunAgain() throws Exception {
    List<SourceFile> files = files(60, 12);
    for (int crashAfter : new int[] {0, 1, 2, 5, 9, 17}) {
      Path dir = tmp.resolve("crash-" + crashAfter);
      io.des.storage.FaultyBlobStore faulty = new io.des.storage.FaultyBlobStore(new LocalBlobStore(dir));
      Archive archive = Archive.create(faulty, 8, ReaderLimits.DEFAULTS);
      faulty.crashAfterWrites(crashAfter);
      PackOptions small = PackOptions.defaults(8).withMaxShardSize(8_000).withParallelShards(1);
      assertThatThrownBy(() -> pack(archive, small, files)).isInstanceOf(java.io.IOException.class);
      // Whatever is visible under a shard name is a whole, valid shard.
      for (String name : shardFiles(dir)) {
        assertThat(io.des.format.ShardVerifier.verify(faulty, io.des.storage.BlobPath.of(name), ReaderLimits.DEFAULTS).problems())
            .as(name).isEmpty();
      }
      faulty.reset();
      Archive again = Archive.create(faulty, 8, ReaderLimits.DEFAULTS);
      pack(again, small, files);
      for (SourceFile f : files) {
        assertThat(again.locate(f.uid(), f.createdAt()).shard().read(f.uid())).as(f.uid()).isEqualTo(Files.readAllBytes(f.path()));
      }
    }
  }

  @Test
  void outputIsDeterministic() throws Exception {
    List<SourceFile> files = files(100, 5);
    pack(archive(tmp.resolve("a")), PackOptions.defaults(8).withThreads(2), files);
    pack(archive(tmp.resolve("b")), PackOptions.defaults(8).withThreads(1), files);
    for (String name : shardFiles(tmp.resolve("a"))) {
      assertThat(Files.readAllBytes(tmp.resolve("b").resolve(name))).as(name).isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(name)));
    }
  }

  @Test
  void outputDoesNotDependOnParallelismOrTheMemoryBudget() throws Exception {
    List<SourceFile> files = files(200, 10);
    PackOptions wide = PackOptions.defaults(8).withThreads(2).withParallelShards(8).withMaxShardSize(5_000);
    // A budget smaller than most files: each entry then goes through alone, and still nothing blocks.
    PackOptions narrow = PackOptions.defaults(8).withThreads(1).withParallelShards(1).withMaxShardSize(5_000).withMemoryBudget(100);
    PackReport a = pack(archive(tmp.resolve("a")), wide, files);
    PackReport b = pack(archive(tmp.resolve("b")), narrow, files);
    assertThat(a.shards()).isEqualTo(b.shards());
    for (String name : shardFiles(tmp.resolve("a"))) {
      assertThat(Files.readAllBytes(tmp.resolve("b").resolve(name))).as(name).isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(name)));
    }
  }

  @Test
  void filesAboveTheThresholdBecomeBigFiles() throws Exception {
    List<SourceFile> files = files(10, 6);
    Archive archive = archive(tmp.resolve("store"));
    PackReport report = pack(archive, PackOptions.defaults(8).withBigFileThreshold(2000), files);
    assertThat(report.bigFiles()).isPositive();
    try (Stream<BlobInfo> big = archive.store().list("_bigFiles/")) {
      assertThat(big.count()).isPositive();
    }
    for (SourceFile f : files) {
      assertThat(archive.locate(f.uid(), f.createdAt()).shard().read(f.uid())).isEqualTo(Files.readAllBytes(f.path()));
    }
  }

  @Test
  void incompressibleContentIsStoredRaw() throws Exception {
    List<SourceFile> files = files(20, 7);
    Archive archive = archive(tmp.resolve("store"));
    pack(archive, PackOptions.defaults(8), files);
    ShardReader reader = archive.locate("uid-1", DAY).shard();
    assertThat(reader.index().find("uid-1").orElseThrow().codec()).isEqualTo(Codec.NONE);
    assertThat(archive.locate("uid-2", DAY).shard().index().find("uid-2").orElseThrow().codec()).isEqualTo(Codec.ZSTD);
  }

  @Test
  void badInputIsReportedAndNothingIsWritten() throws Exception {
    List<SourceFile> files = new ArrayList<>(files(3, 8));
    files.add(new SourceFile("missing", DAY, -1, tmp.resolve("nope"), "line 4"));
    files.add(new SourceFile("uid-0", DAY, -1, files.get(0).path(), "line 5"));
    files.add(new SourceFile("sized", DAY, 999_999, files.get(1).path(), "line 6"));
    files.add(new SourceFile("", DAY, -1, files.get(1).path(), "line 7"));
    Archive archive = archive(tmp.resolve("store"));
    assertThatThrownBy(() -> pack(archive, PackOptions.defaults(8), files))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("4 input problems, nothing was packed:")
        .hasMessageContaining("line 4: source file does not exist: " + tmp.resolve("nope"))
        .hasMessageContaining("line 5: duplicate uid 'uid-0' in shard key")
        .hasMessageContaining("line 6: size mismatch for UID 'sized' (expected 999999, got")
        .hasMessageContaining("line 7: uid must not be empty");
    assertThat(shardFiles(tmp.resolve("store"))).isEmpty();
  }

  @Test
  void aSourceThatChangesAfterPlanningFailsThePackAtThatFileAndNothingIsLive() throws Exception {
    // Files of one key, so that they are encoded together in one batch.
    Router router = new Router(4);
    List<SourceFile> all = files(200, 11);
    var key = router.route(all.get(0).uid(), DAY);
    List<SourceFile> files = all.stream().filter(f -> router.route(f.uid(), DAY).equals(key)).toList();
    assertThat(files).hasSizeGreaterThan(2);
    Path changed = files.get(files.size() / 2).path();
    Archive archive = new Archive(new LocalBlobStore(tmp.resolve("store")), 4, ReaderLimits.DEFAULTS, 16 << 20);
    PackListener changeOne = new PackListener() {
      @Override
      public void planned(long count, long bytes) {
        try {
          Files.write(changed, "changed after planning".getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    try (Packer packer = new Packer(archive, PackOptions.defaults(4), changeOne)) {
      assertThatThrownBy(() -> packer.pack(files))
          .isInstanceOf(java.io.IOException.class)
          .hasStackTraceContaining("Source " + changed + " changed while packing");
    }
    assertThat(shardFiles(tmp.resolve("store"))).isEmpty();
  }

  @Test
  void aChangedSourceIsAConflictNotAnOverwrite() throws Exception {
    List<SourceFile> files = files(2, 9);
    Archive archive = archive(tmp.resolve("store"));
    pack(archive, PackOptions.defaults(8).withCompression(CompressionPolicy.none()), files);
    Files.write(files.get(0).path(), "changed!".getBytes(StandardCharsets.UTF_8));
    List<SourceFile> again = List.of(new SourceFile("uid-0", DAY, -1, files.get(0).path(), "line 1"));
    assertThatThrownBy(() -> pack(archive, PackOptions.defaults(8), again))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("UID 'uid-0' is already packed with");
  }

  static List<String> shardFiles(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".des")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aFencedPackClaimsTheKeyAndAnOlderTokenIsRefused() throws Exception {
    Archive archive = archive(tmp.resolve("store"));
    List<SourceFile> first = files(20, 11);
    ShardKey key = archive.router().route(first.get(0).uid(), DAY);
    SourceFile template = files(1, 12).get(0);
    List<SourceFile> late = new ArrayList<>();
    for (int i = 0; late.size() < 3; i++) {
      if (archive.router().route("late-" + i, DAY).equals(key)) {
        late.add(new SourceFile("late-" + i, DAY, template.declaredSize(), template.path(), null));
      }
    }
    try (Packer packer = new Packer(archive, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(first.stream().filter(f -> archive.router().route(f.uid(), DAY).equals(key)).toList(), 7);
      assertThat(archive.catalog().load(key).fence()).isEqualTo(7);

      assertThatThrownBy(() -> packer.pack(late, 6))
          .isInstanceOf(CatalogConflictException.class)
          .hasMessageContaining("fencing token 6 is older than 7");
    }
    CatalogState state = archive.catalog().load(key);
    assertThat(state.fence()).isEqualTo(7);
    for (LiveShard shard : state.shards()) {
      assertThat(archive.shard(shard.name()).index().entries()).noneMatch(e -> e.uid().startsWith("late-"));
    }
  }

  @Test
  void aFencedPackAbortsUploadsAPredecessorLeftUnderTheKey() throws Exception {
    LocalBlobStore store = new LocalBlobStore(tmp.resolve("store"));
    Archive archive = new Archive(store, 8, ReaderLimits.DEFAULTS, 16 << 20);
    List<SourceFile> files = files(1, 13);
    ShardKey key = archive.router().route(files.get(0).uid(), DAY);
    BlobUpload abandoned = store.createExclusive(BlobPath.of(key.prefix() + "0000.des"));
    abandoned.out().write(new byte[1000]);
    try (Packer packer = new Packer(archive, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files, 1);
    }
    try (Stream<Path> temps = Files.list(tmp.resolve("store/.des-tmp"))) {
      assertThat(temps).isEmpty();
    }
    assertThatThrownBy(abandoned::commit).isInstanceOf(java.io.IOException.class);
  }
}
