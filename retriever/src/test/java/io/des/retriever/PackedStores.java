package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.LocalBlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A local store packed from given contents, for the tests that serve it. */
final class PackedStores {
  static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");

  private PackedStores() {}

  /** Packs each uid's content, created on {@link #DAY}, with 8 routing bits; returns the store's folder. */
  static Path pack(String prefix, Map<String, byte[]> contents) throws Exception {
    Path dir = Files.createTempDirectory(prefix);
    Path src = Files.createDirectories(dir.resolve("src"));
    List<SourceFile> files = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, byte[]> e : contents.entrySet()) {
      Path p = Files.write(src.resolve("file-" + n++), e.getValue());
      files.add(new SourceFile(e.getKey(), DAY, -1, p, e.getKey()));
    }
    Path store = dir.resolve("store");
    Archive archive = Archive.create(new LocalBlobStore(store), 8, ReaderLimits.DEFAULTS);
    try (Packer packer = new Packer(archive, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files);
    }
    return store;
  }
}
