package io.des.repack;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.RetiredShard;
import io.des.catalog.ShardName;
import io.des.format.CorruptShardException;
import io.des.format.IndexEntry;
import io.des.format.ShardIndex;
import io.des.format.ShardLimitExceededException;
import io.des.format.ShardReader;
import io.des.routing.ShardKey;
import io.des.storage.BlobInfo;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.tombstone.ErasureRecord;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import io.des.verify.VerificationStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Deletes retired versions whose grace period is over, one at a time: read its index, delete it,
 * check it is gone, remove it from the catalog; then deletes the key's orphans older than the grace
 * period. Then writes an erasure record for each pending tombstone of the key whose file no live or
 * retired version, nor a younger orphan, holds any more.
 */
final class Purger {
  private final Archive archive;
  private final Duration grace;
  private final Clock clock;

  Purger(Archive archive, Duration grace, Clock clock) {
    this.archive = archive;
    this.grace = grace;
    this.clock = clock;
  }

  boolean isDue(RetiredShard r, Instant now) {
    return !r.retiredAt().plus(grace).isAfter(now);
  }

  PurgeReport purge(ShardKey key, long fence, RepackListener listener) throws IOException {
    CatalogState state = Repacker.claim(archive, key, fence);
    Instant now = clock.instant();
    Map<String, Tombstone> pending = pending(key);
    Set<String> inBigFiles = new HashSet<>();
    List<String> deleted = new ArrayList<>();
    long records = 0;
    for (RetiredShard r : state.retired()) {
      if (!isDue(r, now)) {
        continue;
      }
      BlobPath path = BlobPath.of(r.name());
      Set<String> inline = new HashSet<>(); // pending uids whose bytes this version holds
      if (!pending.isEmpty()) {
        for (IndexEntry e : indexOrEmpty(path)) { // already gone: a crash after the delete
          if (pending.containsKey(e.uid())) {
            (e.isBigFile() ? inBigFiles : inline).add(e.uid());
          }
        }
      }
      archive.store().delete(path);
      if (archive.store().stat(path).isPresent()) {
        throw new PurgeNotConfirmedException(
            "Retired version " + r.name() + " of " + key + " is still in " + archive.store().describe() + " after its delete");
      }
      state = archive.catalog().commit(key, fence, s -> s.withoutRetired(r.name()), state);
      new VerificationStore(archive.store()).forget(r.name()); // its verification record, if any, goes with it
      deleted.add(r.name());
      // Recorded at once, so that a failure with a later version does not lose which one held them.
      if (!inline.isEmpty()) {
        inline.removeAll(held(state, inline));
        for (String uid : inline) {
          Tombstone t = pending.remove(uid);
          archive.tombstones().recordErasure(new ErasureRecord(key, uid, t.deletedAt(), r.name(), r.replacedBy(), r.retiredAt(), now));
          records++;
        }
      }
      listener.phase(key, r.name(), RepackListener.Phase.PURGED);
    }
    Set<String> inYoungOrphans = new HashSet<>();
    deleted.addAll(deleteOldOrphans(key, state, now, pending.keySet(), inYoungOrphans));
    if (!pending.isEmpty()) {
      Set<String> stillHeld = held(state, pending.keySet());
      stillHeld.addAll(inYoungOrphans);
      for (Tombstone t : pending.values()) {
        if (stillHeld.contains(t.uid()) || inBigFiles.contains(t.uid())) {
          continue; // bytes still in a shard version, or in a BigFile no repack erases
        }
        // in no version of the key at all: never packed, or its version was purged by a run that crashed
        archive.tombstones().recordErasure(new ErasureRecord(key, t.uid(), t.deletedAt(), null, null, null, now));
        records++;
      }
    }
    return new PurgeReport(deleted, records);
  }

  /**
   * Deletes the key's orphans older than the grace period: shard files under the key's name that no
   * catalog generation lists, live or retired (a pack or repack that died between its upload and its
   * catalog commit, or a writer that was fenced out). Their files were packed again elsewhere, but
   * their bytes, deleted ones included, would otherwise stay forever. A younger orphan may be a
   * writer's upload whose commit is still coming, and is kept: the pending uids it holds are added to
   * {@code inYoungOrphans} so that no erasure is recorded for them yet. Keys without a catalog
   * (upstream's folders) have no orphans: every shard file of theirs is live.
   */
  private List<String> deleteOldOrphans(ShardKey key, CatalogState state, Instant now, Set<String> pendingUids,
      Set<String> inYoungOrphans) throws IOException {
    if (state.generation() == 0) {
      return List.of();
    }
    List<BlobInfo> orphans = orphans(key, state);
    List<String> deleted = new ArrayList<>();
    for (BlobInfo orphan : orphans) {
      if (!isDue(orphan, now)) {
        if (!pendingUids.isEmpty()) {
          try {
            collect(indexOrEmpty(orphan.path()), pendingUids, inYoungOrphans);
          } catch (CorruptShardException | ShardLimitExceededException unreadable) {
            inYoungOrphans.addAll(pendingUids); // cannot tell what it holds: record nothing yet
          }
        }
        continue;
      }
      archive.store().delete(orphan.path());
      if (archive.store().stat(orphan.path()).isPresent()) {
        throw new PurgeNotConfirmedException("Orphan " + orphan.path() + " of " + key + " is still in " + archive.store().describe()
            + " after its delete");
      }
      new VerificationStore(archive.store()).forget(orphan.path().key());
      deleted.add(orphan.path().key());
    }
    return deleted;
  }

  /** The key's shard files that no catalog generation lists, live or retired; none without a catalog. */
  List<BlobInfo> orphans(ShardKey key, CatalogState state) throws IOException {
    if (state.generation() == 0) {
      return List.of();
    }
    Set<String> known = state.knownNames();
    List<BlobInfo> orphans = new ArrayList<>();
    try (Stream<BlobInfo> listing = archive.store().list(key.prefix())) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        String name = info.path().key();
        if (ShardName.parse(name).filter(n -> n.key().equals(key)).isPresent() && !known.contains(name)) {
          orphans.add(info);
        }
      }
    }
    return orphans;
  }

  /** Whether an orphan is old enough to delete: its writer's commit cannot still be coming. */
  boolean isDue(BlobInfo orphan, Instant now) {
    return !orphan.lastModified().plus(grace).isAfter(now);
  }

  /** The key's tombstones without an erasure record, by uid. */
  private Map<String, Tombstone> pending(ShardKey key) throws IOException {
    Map<String, Tombstone> pending = new LinkedHashMap<>();
    try (Stream<TombstoneStore.Status> statuses = archive.tombstones().statuses(TombstoneStore.keyFolder(key), true)) {
      statuses.forEach(s -> pending.put(s.tombstone().uid(), s.tombstone()));
    }
    return pending;
  }

  /**
   * Which of {@code uids} a live or retired version of the key still holds. A retired version that
   * is already gone (a crash between its delete and the catalog commit) holds nothing.
   */
  private Set<String> held(CatalogState state, Set<String> uids) throws IOException {
    Set<String> held = new HashSet<>();
    for (LiveShard live : state.shards()) { // a live version that is missing is an error, never "erased"
      collect(archive.shard(live.name()).index().entries(), uids, held);
    }
    for (RetiredShard retired : state.retired()) {
      collect(indexOrEmpty(BlobPath.of(retired.name())), uids, held);
    }
    return held;
  }

  private static void collect(List<IndexEntry> entries, Set<String> uids, Set<String> into) {
    for (IndexEntry e : entries) {
      if (uids.contains(e.uid())) {
        into.add(e.uid());
      }
    }
  }

  private List<IndexEntry> indexOrEmpty(BlobPath path) throws IOException {
    try {
      ShardIndex index = ShardReader.open(archive.store(), path, archive.limits()).index();
      return index.entries();
    } catch (BlobNotFoundException gone) {
      return List.of();
    }
  }
}
