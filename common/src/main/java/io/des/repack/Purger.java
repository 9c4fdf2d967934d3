package io.des.repack;

import io.des.archive.Archive;
import io.des.bigfile.BigFileEraser;
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
import io.des.storage.BlobStore;
import io.des.tombstone.ErasureRecord;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import io.des.verify.VerificationStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Deletes retired versions whose grace period is over, one at a time: read its index, release the
 * content of its deleted BigFiles, delete it, check it is gone, remove it from the catalog; then
 * deletes the key's orphans older than the grace period the same way. Then writes an erasure record
 * for each pending tombstone of the key whose file no live or retired version, nor a younger orphan,
 * holds any more.
 */
final class Purger {
  private final Archive archive;
  private final Duration grace;
  private final Clock clock;
  private final BigFileEraser bigFiles;
  private final List<BlobStore> replicas;

  Purger(Archive archive, Duration grace, Clock clock, BigFileEraser bigFiles, List<BlobStore> replicas) {
    this.archive = archive;
    this.grace = grace;
    this.clock = clock;
    this.bigFiles = bigFiles;
    this.replicas = replicas;
  }

  boolean isDue(RetiredShard r, Instant now) {
    return !r.retiredAt().plus(grace).isAfter(now);
  }

  PurgeReport purge(ShardKey key, long fence, RepackListener listener) throws IOException {
    CatalogState state = Repacker.claim(archive, key, fence);
    Instant now = clock.instant();
    Map<String, Tombstone> pending = pending(key);
    List<String> heldBack = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    long records = 0;
    for (RetiredShard r : state.retired()) {
      if (!isDue(r, now)) {
        continue;
      }
      BlobPath path = BlobPath.of(r.name());
      Set<String> gone = new HashSet<>(); // pending uids whose bytes this version holds
      Map<String, String> big = new HashMap<>(); // of those, the BigFiles' content
      Set<String> shared = new HashSet<>(); // of those, BigFiles whose content other entries still reference
      if (!pending.isEmpty()) {
        collectPending(indexOrEmpty(path), pending.keySet(), gone, big); // already gone: a crash after the delete
      }
      // Before the version goes: its index is the only record of which content its deleted BigFiles had.
      String why = releaseBigFiles(key, state, r.name(), big, shared);
      if (why != null) {
        heldBack.add(r.name() + ": " + why);
        continue;
      }
      erase(path, "Retired version " + r.name() + " of " + key);
      state = archive.catalog().commit(key, fence, s -> s.withoutRetired(r.name()), state);
      new VerificationStore(archive.store()).forget(r.name()); // its verification record, if any, goes with it
      deleted.add(r.name());
      // Recorded at once, so that a failure with a later version does not lose which one held them.
      if (!gone.isEmpty()) {
        gone.removeAll(held(state, gone));
        for (String uid : gone) {
          Tombstone t = pending.remove(uid);
          archive.tombstones().recordErasure(
              new ErasureRecord(key, uid, t.deletedAt(), r.name(), r.replacedBy(), r.retiredAt(), now, shared.contains(uid)));
          records++;
        }
      }
      listener.phase(key, r.name(), RepackListener.Phase.PURGED);
    }
    Set<String> inKeptOrphans = new HashSet<>();
    Set<String> shared = new HashSet<>(); // as above, for the orphans deleted
    deleted.addAll(deleteOldOrphans(key, state, now, pending.keySet(), inKeptOrphans, shared, heldBack));
    if (!pending.isEmpty()) {
      Set<String> stillHeld = held(state, pending.keySet());
      stillHeld.addAll(inKeptOrphans);
      for (Tombstone t : pending.values()) {
        if (stillHeld.contains(t.uid())) {
          continue;
        }
        // in no version of the key at all: never packed, or its version was purged by a run that crashed
        archive.tombstones().recordErasure(new ErasureRecord(key, t.uid(), t.deletedAt(), null, null, null, now, shared.contains(t.uid())));
        records++;
      }
    }
    return new PurgeReport(deleted, records, heldBack);
  }

  /**
   * Releases the content of a version's deleted BigFiles ({@code big}: uid to content) that no other
   * live or retired version of the key references: the key's marker is deleted, and the content too
   * unless other keys reference it ({@link BigFileEraser}). Adds to {@code shared} the uids whose
   * content stays because other entries reference it. Returns null when the version may be deleted,
   * otherwise why it must stay until a later purge.
   */
  private String releaseBigFiles(ShardKey key, CatalogState state, String version, Map<String, String> big, Set<String> shared)
      throws IOException {
    if (big.isEmpty()) {
      return null;
    }
    Set<String> inKey = contentReferenced(state, version);
    Map<String, BigFileEraser.Result> released = new HashMap<>();
    for (Map.Entry<String, String> e : big.entrySet()) {
      String sha = e.getValue();
      if (inKey.contains(sha)) {
        shared.add(e.getKey()); // another entry of this key has the same content
        continue;
      }
      BigFileEraser.Result result = released.get(sha);
      if (result == null) {
        result = bigFiles.release(BlobPath.of(version), sha, key);
        released.put(sha, result);
      }
      switch (result.outcome()) {
        case ERASED -> eraseFromReplicas(result.blob(), "BigFile " + result.blob() + " of deleted file '" + e.getKey() + "'");
        case SHARED -> shared.add(e.getKey());
        case STILL_THERE -> throw new PurgeNotConfirmedException(
            "BigFile " + result.blob() + " of deleted file '" + e.getKey() + "' in " + version + " is still in " + archive.store().describe()
                + " after its delete");
        case PREDATES_MARKERS -> {
          return "the content " + result.blob() + " of deleted BigFile '" + e.getKey()
              + "' predates reference markers and is kept; the version is kept as the record of it";
        }
        case TOO_SLOW -> {
          return "releasing " + result.blob() + " of deleted BigFile '" + e.getKey() + "' took too long; retried by the next purge";
        }
      }
    }
    return null;
  }

  /**
   * Deletes a blob from the archive and from every replica, checking with a stat in each that it is
   * gone; a replica that cannot be reached fails the purge, which is retried, so an erasure is
   * recorded only once no copy is left anywhere DES knows of.
   */
  private void erase(BlobPath path, String what) throws IOException {
    archive.store().delete(path);
    if (archive.store().stat(path).isPresent()) {
      throw new PurgeNotConfirmedException(what + " is still in " + archive.store().describe() + " after its delete");
    }
    eraseFromReplicas(path, what);
  }

  private void eraseFromReplicas(BlobPath path, String what) throws IOException {
    for (BlobStore replica : replicas) {
      replica.delete(path);
      if (replica.stat(path).isPresent()) {
        throw new PurgeNotConfirmedException(what + " is still in the replica " + replica.describe() + " after its delete");
      }
    }
  }

  /** The content of every BigFile that a live or retired version of the key, other than {@code except}, references. */
  private Set<String> contentReferenced(CatalogState state, String except) throws IOException {
    Set<String> content = new HashSet<>();
    for (LiveShard live : state.shards()) {
      if (!live.name().equals(except)) {
        archive.shard(live.name()).index().entries().stream().filter(IndexEntry::isBigFile).forEach(e -> content.add(e.bigFileSha256()));
      }
    }
    for (RetiredShard retired : state.retired()) {
      if (!retired.name().equals(except)) {
        indexOrEmpty(BlobPath.of(retired.name())).stream().filter(IndexEntry::isBigFile).forEach(e -> content.add(e.bigFileSha256()));
      }
    }
    return content;
  }

  /** Adds the entries whose uid is in {@code uids} to {@code into}, and the BigFiles among them to {@code big}. */
  private static void collectPending(List<IndexEntry> entries, Set<String> uids, Set<String> into, Map<String, String> big) {
    for (IndexEntry e : entries) {
      if (uids.contains(e.uid())) {
        into.add(e.uid());
        if (e.isBigFile()) {
          big.put(e.uid(), e.bigFileSha256());
        }
      }
    }
  }

  /**
   * Deletes the key's orphans older than the grace period: shard files under the key's name that no
   * catalog generation lists, live or retired (a pack or repack that died between its upload and its
   * catalog commit, or a writer that was fenced out). Their files were packed again elsewhere, but
   * their bytes, deleted ones included, would otherwise stay forever. The content of their deleted
   * BigFiles is released first, as for a retired version. A younger orphan may be a writer's upload
   * whose commit is still coming, and is kept: the pending uids it holds are added to {@code
   * inKeptOrphans} so that no erasure is recorded for them yet (and so are those of an old orphan held
   * back, in {@code heldBack}). Keys without a catalog (upstream's folders) have no orphans: every
   * shard file of theirs is live.
   */
  private List<String> deleteOldOrphans(ShardKey key, CatalogState state, Instant now, Set<String> pendingUids,
      Set<String> inKeptOrphans, Set<String> shared, List<String> heldBack) throws IOException {
    if (state.generation() == 0) {
      return List.of();
    }
    List<BlobInfo> orphans = orphans(key, state);
    List<String> deleted = new ArrayList<>();
    for (BlobInfo orphan : orphans) {
      Set<String> holds = new HashSet<>();
      Map<String, String> big = new HashMap<>();
      if (!pendingUids.isEmpty()) {
        try {
          collectPending(indexOrEmpty(orphan.path()), pendingUids, holds, big);
        } catch (CorruptShardException | ShardLimitExceededException unreadable) {
          if (!isDue(orphan, now)) {
            inKeptOrphans.addAll(pendingUids); // cannot tell what it holds: record nothing yet
          } // an old one is deleted all the same, as it always was
        }
      }
      if (!isDue(orphan, now)) {
        inKeptOrphans.addAll(holds);
        continue;
      }
      String why = releaseBigFiles(key, state, orphan.path().key(), big, shared);
      if (why != null) {
        heldBack.add(orphan.path().key() + ": " + why);
        inKeptOrphans.addAll(holds);
        continue;
      }
      erase(orphan.path(), "Orphan " + orphan.path() + " of " + key);
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
