package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.BlobPath;
import io.des.storage.InMemoryBlobStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check of a repacked version: its stored bytes read back against the CRC-32C taken as they were written. */
class ShardVerifierCopyTest {
  @TempDir Path tmp;

  @Test
  void storedBytesThatChangedAfterTheWriteOrEntriesThatDoNotMatchAreProblems() throws Exception {
    InMemoryBlobStore store = new InMemoryBlobStore();
    CreatedAt day = CreatedAt.parse("2024-01-01T10:00:00Z");
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String uid = Integer.toString(5 + 256 * i); // one shard key
      files.add(new SourceFile(uid, day, -1, Files.writeString(tmp.resolve(uid), ("file " + uid + " ").repeat(50)), uid));
    }
    Archive archive = Archive.create(store, 8, ReaderLimits.DEFAULTS);
    try (Packer packer = new Packer(archive, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files);
    }
    BlobPath shard = BlobPath.of(archive.catalog().load(archive.router().route("5", day)).shards().get(0).name());
    byte[] bytes;
    try (InputStream in = store.open(shard)) {
      bytes = in.readAllBytes();
    }
    ShardIndex index = ShardReader.open(store, shard, ReaderLimits.DEFAULTS).index();
    Map<String, Long> written = new HashMap<>();
    for (IndexEntry e : index.entries()) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, (int) e.offset(), (int) e.length());
      written.put(e.uid(), crc.getValue());
    }

    assertThat(ShardVerifier.verifyCopy(store, shard, ReaderLimits.DEFAULTS, written).ok()).isTrue();

    Map<String, Long> oneMore = new HashMap<>(written);
    oneMore.put("not-written", 1L);
    assertThat(ShardVerifier.verifyCopy(store, shard, ReaderLimits.DEFAULTS, oneMore).problems())
        .anyMatch(p -> p.message().contains("holds 10 of the 11 entries"));
    Map<String, Long> oneLess = new HashMap<>(written);
    oneLess.remove("261");
    assertThat(ShardVerifier.verifyCopy(store, shard, ReaderLimits.DEFAULTS, oneLess).problems())
        .anyMatch(p -> "261".equals(p.uid()) && p.message().contains("was not written to it"));

    IndexEntry victim = index.find("517").orElseThrow();
    bytes[(int) (victim.offset() + victim.length() / 2)] ^= 0x10;
    store.putReplace(shard, bytes);
    ShardVerifier.Result damaged = ShardVerifier.verifyCopy(store, shard, ReaderLimits.DEFAULTS, written);
    assertThat(damaged.problems()).singleElement().satisfies(p -> {
      assertThat(p.uid()).isEqualTo("517");
      assertThat(p.message()).contains("stored bytes read back");
    });
    assertThat(damaged.verified()).isEqualTo(9);
  }
}
