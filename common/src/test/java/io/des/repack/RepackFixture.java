package io.des.repack;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.RetiredShard;
import io.des.catalog.ShardCatalog;
import io.des.catalog.ShardName;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobInfo;
import io.des.storage.BlobStore;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.FileDeletedException;
import io.des.tombstone.Tombstone;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An archive with one shard key packed by the real {@link Packer}: numeric uids {@code 100 + 256
 * i} all route to key {@code 20240101_64}. Even files are distinctive random bytes (stored as
 * they are), odd ones compressible text (stored as zstd).
 */
final class RepackFixture {
  static final ShardKey KEY = new ShardKey("20240101", "64");
  static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");
  static final Instant NOW = Instant.parse("2024-02-01T12:00:00Z");

  final BlobStore store;
  final Archive archive;
  /** Every packed file's content by uid, in packing order. */
  final Map<String, byte[]> files = new LinkedHashMap<>();
  final Set<String> deleted = new HashSet<>();
  private final Path tmp;
  private final Random random = new Random(42);

  RepackFixture(BlobStore store, Path tmp) throws IOException {
    this.store = store;
    this.tmp = tmp;
    this.archive = Archive.create(store, 8, ReaderLimits.DEFAULTS);
  }

  static String uid(int i) {
    return Integer.toString(100 + 256 * i);
  }

  /** Packs {@code count} more files as one new shard; returns its name. */
  String pack(int count) throws Exception {
    return pack(count, PackOptions.defaults(8));
  }

  String pack(int count, PackOptions options) throws Exception {
    List<SourceFile> batch = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      int i = files.size();
      String uid = uid(i);
      byte[] content;
      if (i % 2 == 0) {
        content = new byte[300 + random.nextInt(1500)];
        random.nextBytes(content);
      } else {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 2000) {
          sb.append("line ").append(i).append(" of file ").append(uid).append(": status=ok user=").append(random.nextInt(50)).append('\n');
        }
        content = sb.toString().getBytes(StandardCharsets.UTF_8);
      }
      Path p = Files.write(tmp.resolve("f" + uid), content);
      files.put(uid, content);
      batch.add(new SourceFile(uid, DAY, -1, p, uid));
    }
    try (Packer packer = new Packer(archive, options, PackListener.NONE)) {
      return packer.pack(batch).shards().get(0);
    }
  }

  /** Tombstones every {@code every}-th file (a DELETE each). */
  List<String> deleteEvery(int every) throws IOException {
    List<String> uids = new ArrayList<>();
    int i = 0;
    for (String uid : files.keySet()) {
      if (i++ % every == every - 1) {
        delete(uid);
        uids.add(uid);
      }
    }
    return uids;
  }

  void delete(String uid) throws IOException {
    archive.tombstones().add(new Tombstone(KEY, uid, DAY.toIso(), NOW, "admin", DeletionReason.GDPR, "T-1", NOW.plus(Duration.ofHours(48))));
    deleted.add(uid);
  }

  /** A step of a test that may fail with an I/O error. */
  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }

  /** A listener that runs {@code action} at {@code phase} of any shard. */
  static RepackListener at(RepackListener.Phase phase, IoAction action) {
    return (key, shard, p) -> {
      if (p == phase) {
        try {
          action.run();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }

  Repacker repacker(RepackOptions options) {
    return new Repacker(archive, options, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  CatalogState catalog() throws IOException {
    return new ShardCatalog(store).load(KEY);
  }

  /** Every blob's bytes, for scanning. */
  Map<String, byte[]> allBlobs() throws IOException {
    Map<String, byte[]> all = new LinkedHashMap<>();
    try (Stream<BlobInfo> listing = store.list("")) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        try (InputStream in = store.open(info.path())) {
          all.put(info.path().key(), in.readAllBytes());
        }
      }
    }
    return all;
  }

  /**
   * What every crash must leave, once a clean run has followed: exactly one live version per shard
   * sequence, every shard blob of the key listed by the catalog (no orphan), no unfinished upload,
   * and every file not deleted readable, identical, through a freshly opened archive.
   */
  void assertConsistent() throws IOException {
    CatalogState state = catalog();
    Map<Integer, Integer> liveBySeq = new java.util.HashMap<>();
    for (LiveShard live : state.shards()) {
      liveBySeq.merge(live.shardName().seq(), 1, Integer::sum);
    }
    assertThat(liveBySeq.values()).as("one live version per shard").allMatch(n -> n == 1);
    Set<String> known = new HashSet<>();
    state.shards().forEach(s -> known.add(s.name()));
    state.retired().stream().map(RetiredShard::name).forEach(known::add);
    try (Stream<BlobInfo> listing = store.list(KEY.prefix())) {
      List<String> shardBlobs = listing.map(i -> i.path().key()).filter(k -> ShardName.parse(k).isPresent()).toList();
      assertThat(shardBlobs).as("no orphan version").allMatch(known::contains);
    }
    assertThat(store.abortUploads("")).as("no unfinished upload").isZero();
    Archive reader = Archive.open(store, null, ReaderLimits.DEFAULTS);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      if (deleted.contains(f.getKey())) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.locate(f.getKey(), DAY)).isInstanceOf(FileDeletedException.class);
      } else {
        assertThat(reader.locate(f.getKey(), DAY).shard().read(f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
      }
    }
  }
}
