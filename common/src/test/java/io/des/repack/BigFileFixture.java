package io.des.repack;

import io.des.archive.Archive;
import io.des.bigfile.BigFileRefs;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.ShardKey;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.ErasureRecord;
import io.des.tombstone.Tombstone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * An archive whose files above 1 KiB are BigFiles, packed by the real {@link Packer} into two shard
 * keys of one day: {@link #A} ({@code 20240101_64}, uids {@code 100 + 256 i}) and {@link #B}
 * ({@code 20240101_65}, uids {@code 101 + 256 i}).
 */
final class BigFileFixture {
  static final ShardKey A = RepackFixture.KEY;
  static final ShardKey B = new ShardKey("20240101", "65");

  final BlobStore store;
  final Archive archive;
  private final Path tmp;
  private final Random random = new Random(7);

  BigFileFixture(BlobStore store, Path tmp) throws IOException {
    this.store = store;
    this.tmp = tmp;
    this.archive = Archive.create(store, 8, ReaderLimits.DEFAULTS);
  }

  static String uid(ShardKey key, int i) {
    return Integer.toString((key.equals(A) ? 100 : 101) + 256 * i);
  }

  /** Random bytes: a BigFile when above 1 KiB. */
  byte[] content(int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  /** Packs the files (uid to content, all of one day) as one new shard per key, through {@code via}. */
  List<String> pack(BlobStore via, Map<String, byte[]> files) throws Exception {
    List<SourceFile> batch = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path p = Files.write(tmp.resolve("src-" + f.getKey() + "-" + System.nanoTime()), f.getValue());
      batch.add(new SourceFile(f.getKey(), RepackFixture.DAY, -1, p, f.getKey()));
    }
    Archive packing = via == store ? archive : Archive.open(via, 8, ReaderLimits.DEFAULTS);
    try (Packer packer = new Packer(packing, PackOptions.defaults(8).withBigFileThreshold(1024), PackListener.NONE)) {
      return packer.pack(batch).shards();
    }
  }

  List<String> pack(Map<String, byte[]> files) throws Exception {
    return pack(store, files);
  }

  void delete(ShardKey key, String uid) throws IOException {
    archive.tombstones().add(new Tombstone(key, uid, RepackFixture.DAY.toIso(), RepackFixture.NOW, "admin", DeletionReason.GDPR, "T-2",
        RepackFixture.NOW.plus(Duration.ofHours(48))));
  }

  /** A repacker without grace, so that a purge follows a repack at once. */
  Repacker repacker(BigFileRefs refs) {
    return new Repacker(archive, RepackOptions.defaults().withGrace(Duration.ZERO), Clock.fixed(RepackFixture.NOW, ZoneOffset.UTC), refs);
  }

  Repacker repacker() {
    return repacker(new BigFileRefs(store));
  }

  /** Repacks and purges the key. */
  PurgeReport erase(ShardKey key) throws IOException {
    return erase(repacker(), key);
  }

  static PurgeReport erase(Repacker repacker, ShardKey key) throws IOException {
    repacker.run(key, 1, java.util.Set.of(), RepackListener.NONE);
    return repacker.purge(key, 1);
  }

  /** A file's content, read through a freshly opened archive (no cached catalog). */
  byte[] read(String uid) throws IOException {
    Archive reader = Archive.open(store, null, ReaderLimits.DEFAULTS);
    return reader.locate(uid, RepackFixture.DAY).shard().read(uid);
  }

  Optional<ErasureRecord> erasure(ShardKey key, String uid) throws IOException {
    return archive.tombstones().erasure(key, uid);
  }

  static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  static BlobPath blob(String sha) {
    return BlobPath.of("_bigFiles/" + sha);
  }

  /** Whether any object of the store holds these bytes. */
  boolean anyBlobContains(byte[] bytes) throws IOException {
    try (Stream<BlobInfo> listing = store.list("")) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        try (java.io.InputStream in = store.open(info.path())) {
          if (io.des.testing.ByteSearch.contains(in.readAllBytes(), bytes)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The names under {@code _bigFileRefs/<sha>/}: markers (shard keys) and doomed markers. */
  List<String> refs(String sha) throws IOException {
    try (Stream<BlobInfo> listing = store.list(BigFileRefs.FOLDER + "/" + sha + "/")) {
      return listing.map(i -> i.path().name()).toList();
    }
  }
}
