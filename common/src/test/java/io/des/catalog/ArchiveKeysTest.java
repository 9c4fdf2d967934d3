package io.des.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ArchiveKeys.after resumes all()'s order from any key, with and without catalogs. */
class ArchiveKeysTest {
  @TempDir Path tmp;
  private BlobStore blobs;

  @BeforeEach
  void pack() throws Exception {
    blobs = new LocalBlobStore(tmp.resolve("store"));
    Archive archive = Archive.create(blobs, 4, ReaderLimits.DEFAULTS);
    Path src = Files.createDirectories(tmp.resolve("src"));
    List<SourceFile> files = new ArrayList<>();
    for (String day : List.of("2023-12-31", "2024-05-16", "2024-05-17", "2024-06-01")) {
      for (int i = 0; i < 12; i++) {
        Path p = Files.writeString(src.resolve(day + "-" + i), "content " + day + i);
        files.add(new SourceFile(day + "/f" + i, CreatedAt.parse(day + "T10:00:00Z"), -1, p, day + "/f" + i));
      }
    }
    try (Packer packer = new Packer(archive, PackOptions.defaults(4), PackListener.NONE)) {
      packer.pack(files);
    }
  }

  private static List<ShardKey> list(Stream<ShardKey> keys) {
    try (keys) {
      return keys.toList();
    }
  }

  private void assertResumesFromEveryKey(ArchiveKeys keys) throws Exception {
    List<ShardKey> all = list(keys.all());
    assertThat(all).hasSizeGreaterThan(12).doesNotHaveDuplicates();
    for (int i = 0; i < all.size(); i++) {
      assertThat(list(keys.after(all.get(i)))).as("after %s", all.get(i)).isEqualTo(all.subList(i + 1, all.size()));
    }
  }

  @Test
  void afterAKeyComeTheKeysThatFollowItInAllsOrder() throws Exception {
    assertResumesFromEveryKey(new ArchiveKeys(blobs, new ShardCatalog(blobs, ShardCatalog.Uncataloged.NOTHING)));
  }

  @Test
  void afterAKeyThatIsNotThereComeTheKeysThatSortAfterIt() throws Exception {
    ArchiveKeys keys = new ArchiveKeys(blobs, new ShardCatalog(blobs, ShardCatalog.Uncataloged.NOTHING));
    List<ShardKey> all = list(keys.all());
    for (ShardKey absent : List.of(new ShardKey("20240101", "0"), new ShardKey("20240516", "F1"), new ShardKey("20200101", "A"))) {
      List<ShardKey> expected = all.stream().filter(k -> k.toString().compareTo(absent.toString()) > 0).toList();
      assertThat(list(keys.after(absent))).as("after %s", absent).isEqualTo(expected);
    }
    assertThat(list(keys.after(all.get(all.size() - 1)))).isEmpty();
    assertThat(list(keys.after(new ShardKey("29991231", "F")))).isEmpty();
  }

  @Test
  void keysWithoutACatalogFollowTheCatalogedOnes() throws Exception {
    ArchiveKeys keys = new ArchiveKeys(blobs, new ShardCatalog(blobs));
    List<ShardKey> cataloged = list(keys.all());
    for (ShardKey key : List.of(cataloged.get(0), cataloged.get(5), cataloged.get(cataloged.size() - 1))) {
      List<BlobPath> catalog = new ArrayList<>();
      try (Stream<BlobInfo> listing = blobs.list(ShardCatalog.folder(key) + "/")) {
        listing.forEach(i -> catalog.add(i.path()));
      }
      blobs.delete(catalog); // as upstream wrote it: shard files only
    }
    List<ShardKey> all = list(keys.all());
    assertThat(all).hasSameSizeAs(cataloged).containsExactlyInAnyOrderElementsOf(cataloged).isNotEqualTo(cataloged);
    assertResumesFromEveryKey(keys);
  }
}
