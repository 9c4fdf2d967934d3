package io.des.pack;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.format.IndexEntry;
import io.des.routing.ShardKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What packing one key needs: the catalog as loaded (and claimed), the files not packed yet, how
 * many were, and the files that conflict with a packed one.
 */
record KeyPlan(ShardKey key, long fence, CatalogState state, List<PlannedFile> fresh, long skipped, List<InputProblem> conflicts) {

  /**
   * Loads the key's catalog once (which files are packed already, and the next free number) and,
   * when fenced, claims the key: records the token in a generation that changes nothing else, or is
   * refused ({@link io.des.catalog.CatalogConflictException}) if a newer holder already has.
   */
  static KeyPlan load(Archive archive, ShardKey key, List<PlannedFile> files, long fence) throws IOException {
    return load(archive, key, files, fence, fence != Packer.NO_FENCE);
  }

  /** As {@link #load(Archive, ShardKey, List, long)}, claiming the key only if {@code claim}. */
  static KeyPlan load(Archive archive, ShardKey key, List<PlannedFile> files, long fence, boolean claim) throws IOException {
    CatalogState state = archive.catalog().load(key);
    if (claim && state.fence() != fence) {
      state = archive.catalog().commit(key, fence, s -> s, state);
    }
    Map<String, IndexEntry> packed = new HashMap<>();
    for (LiveShard shard : state.shards()) {
      for (IndexEntry entry : archive.shard(shard.name()).index().entries()) {
        packed.put(entry.uid(), entry);
      }
    }
    List<PlannedFile> fresh = new ArrayList<>();
    List<InputProblem> conflicts = new ArrayList<>();
    long skipped = 0;
    for (PlannedFile f : files) {
      IndexEntry existing = packed.get(f.source().uid());
      if (existing == null) {
        fresh.add(f);
      } else if (existing.contentSize() == f.size()) {
        skipped++;
      } else {
        conflicts.add(new InputProblem(f.source().line(),
            "UID '" + f.source().uid() + "' is already packed with " + existing.contentSize()
                + " bytes, the source has " + f.size() + "; DES never overwrites a packed file"));
      }
    }
    return new KeyPlan(key, fence, state, fresh, skipped, conflicts);
  }
}
