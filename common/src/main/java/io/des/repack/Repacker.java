package io.des.repack;

import io.des.archive.Archive;
import io.des.bigfile.BigFileEraser;
import io.des.bigfile.BigFileRefs;
import io.des.catalog.CatalogConflictException;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.catalog.RetiredShard;
import io.des.catalog.ShardName;
import io.des.format.IndexEntry;
import io.des.format.ShardIndex;
import io.des.format.ShardSummary;
import io.des.format.ShardVerifier;
import io.des.format.ShardWriter;
import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobUpload;
import io.des.tombstone.TombstoneStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Rewrites shards without the entries their tombstones hide, and deletes the old versions after the
 * grace period (docs/deletion.md, "Repack"). Each shard goes through claim, write, verify and swap;
 * a crash at any point leaves exactly one live version of it (the old one before the swap, the new
 * one after), and the next run cleans up what the crash left (an orphan version no catalog lists,
 * an unfinished upload, a retired version whose purge is due).
 *
 * <p>The caller holds the key's lock with a fencing token no other holder has (tokens grow with
 * each acquisition); with {@code fence} 0 it must be the only writer of the key. The first step of
 * every call records the token in the key's catalog, so an older holder can commit nothing after.
 *
 * <p>A tombstoned BigFile entry is dropped like an inline one, and the purge deletes its content
 * ({@code _bigFiles/<sha256>}, content-addressed and possibly shared) once no key references it
 * ({@link BigFileEraser}). Content that predates reference markers ({@link
 * io.des.bigfile.MarkerEpoch}) is never deleted: such an entry is kept (hidden by its tombstone,
 * reported in {@link ShardRepack#problems()}) and its tombstone stays pending.
 */
public final class Repacker {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Repacker.class);

  private final Archive archive;
  private final RepackOptions options;
  private final Clock clock;
  private final Purger purger;
  private final BigFileRefs bigFiles;

  public Repacker(Archive archive, RepackOptions options, Clock clock) {
    this(archive, options, clock, new BigFileRefs(archive.store()));
  }

  /** With the BigFile references' clock and lease given (tests). */
  Repacker(Archive archive, RepackOptions options, Clock clock, BigFileRefs bigFiles) {
    this.archive = archive;
    this.options = options;
    this.clock = clock;
    this.bigFiles = bigFiles;
    this.purger = new Purger(archive, options.grace(), clock, new BigFileEraser(bigFiles), options.replicas());
  }

  /**
   * What {@link #run} would do now: live shards with entries to drop, retired versions due or not,
   * orphans due. Changes nothing; one LIST of the key's shard files besides the catalog and indexes.
   */
  public RepackPlan plan(ShardKey key) throws IOException {
    CatalogState state = archive.catalog().load(key);
    Set<String> tombstoned = archive.tombstones().hashes(key);
    List<ShardPlan> shards = new ArrayList<>();
    if (!tombstoned.isEmpty()) {
      for (LiveShard live : state.shards()) {
        ShardIndex index = archive.shard(live.name()).index();
        Set<String> kept = keptBigFiles(live.name(), index, tombstoned);
        long count = 0, bytes = 0;
        for (IndexEntry e : index.entries()) {
          if (ShardCopier.drops(e, tombstoned, kept)) {
            count++;
            bytes += e.length();
          }
        }
        if (count > 0) {
          shards.add(new ShardPlan(live.name(), index.size(), count, index.shardSize(), bytes));
        }
      }
    }
    Instant now = clock.instant();
    List<RetiredShard> due = new ArrayList<>(), later = new ArrayList<>();
    for (RetiredShard r : state.retired()) {
      (purger.isDue(r, now) ? due : later).add(r);
    }
    List<String> orphans = purger.orphans(key, state).stream().filter(o -> purger.isDue(o, now)).map(o -> o.path().key()).toList();
    return new RepackPlan(key, shards, due, later, orphans);
  }

  /**
   * Purges due retired versions, then repacks every live shard holding a tombstoned entry, plus the
   * shards named in {@code alsoRepack} (found corrupt; names not live are ignored).
   */
  public RepackReport run(ShardKey key, long fence, Set<String> alsoRepack, RepackListener listener) throws IOException {
    return run(key, fence, p -> true, alsoRepack, listener);
  }

  /**
   * As {@link #run(ShardKey, long, Set, RepackListener)}, repacking only the planned shards that
   * {@code which} accepts (such as those at or above a deleted ratio); {@code p -> false} with no
   * {@code alsoRepack} only purges.
   */
  public RepackReport run(ShardKey key, long fence, Predicate<ShardPlan> which, Set<String> alsoRepack, RepackListener listener)
      throws IOException {
    PurgeReport purged = purger.purge(key, fence, listener);
    Set<String> targets = new java.util.LinkedHashSet<>();
    for (ShardPlan p : plan(key).shards()) {
      if (which.test(p)) {
        targets.add(p.shard());
      }
    }
    CatalogState state = archive.catalog().load(key);
    for (String name : alsoRepack) {
      if (state.contains(name)) {
        targets.add(name);
      }
    }
    List<ShardRepack> repacked = new ArrayList<>();
    for (String shard : targets) {
      repacked.add(repack(key, shard, fence, listener));
    }
    return new RepackReport(key, repacked, purged);
  }

  /**
   * Repacks one live shard: claim, write {@code <name>_Rnnn.des}, verify, swap.
   *
   * @throws RepackConflictException if the shard is not live (any more), or another repacker took
   *     the new version's name or swapped first; nothing of this attempt is left
   * @throws io.des.catalog.CatalogConflictException if a holder with a newer token claimed the key;
   *     the new version is deleted (best effort)
   * @throws RepackVerificationException if the new version does not verify; it is deleted
   */
  public ShardRepack repack(ShardKey key, String shard, long fence, RepackListener listener) throws IOException {
    CatalogState state = claim(key, fence);
    listener.phase(key, shard, RepackListener.Phase.CLAIMED);
    if (!state.contains(shard)) {
      throw new RepackConflictException(
          "Shard " + shard + " is not live in generation " + state.generation() + " of " + key + "'s catalog: repacked or removed by another run");
    }
    if (fence != 0) {
      archive.store().abortUploads(key.prefix()); // a crashed predecessor's unfinished uploads
    }
    Set<String> tombstoned = archive.tombstones().hashes(key);
    ShardIndex index = archive.shard(shard).index();
    ShardCopier copier = new ShardCopier(archive.store(), archive.limits(), options, key, tombstoned, keptBigFiles(shard, index, tombstoned));
    Written written = write(key, shard, index, copier, state, true, 0, listener);
    ShardCopier.Outcome copied = written.copied();
    ShardSummary summary = written.summary();
    LiveShard replacement = summary == null ? null : new LiveShard(written.name().fileName(), summary.shardBytes(), summary.entries());
    swap(key, fence, shard, replacement, state);
    listener.phase(key, replacement == null ? shard : replacement.name(), RepackListener.Phase.SWAPPED);
    return new ShardRepack(shard, replacement == null ? null : replacement.name(), copied.kept(), copied.dropped(),
        copied.corruptDropped(), copied.repaired(), index.shardSize(), summary == null ? 0 : summary.shardBytes(), copied.problems());
  }

  /** A new version written and verified; {@code summary} null when no entry survived (nothing written). */
  private record Written(ShardName name, ShardCopier.Outcome copied, ShardSummary summary) {}

  /**
   * Writes the next version of the shard and verifies it.
   *
   * @param inPlace let the copy append runs of entries without reading them (see {@link ShardCopier#copy});
   *     if the new version then fails its verification, it is deleted and written again without
   * @param above a revision number the new version must exceed (one that failed), 0 for none
   * @throws RepackVerificationException if the new version does not verify; it is deleted
   */
  private Written write(ShardKey key, String shard, ShardIndex index, ShardCopier copier, CatalogState state, boolean inPlace,
      int above, RepackListener listener) throws IOException {
    ShardName next = nextRevision(ShardName.parse(shard).orElseThrow(), state);
    if (next.revision() <= above) {
      next = new ShardName(next.key(), next.seq(), above + 1); // never reuse the name of a version that was written
    }
    BlobPath path = BlobPath.of(next.fileName());
    ShardCopier.Outcome copied;
    ShardSummary summary = null;
    try (BlobUpload upload = archive.store().createExclusive(path)) {
      ShardWriter writer = ShardWriter.to(upload.out(), next.fileName(), archive.router().nBits());
      copied = copier.copy(BlobPath.of(shard), index, writer, upload, inPlace);
      if (copied.kept() > 0) {
        summary = writer.finish();
        upload.commit();
      } // else: closing aborts the upload; the shard leaves the live list without a successor
    } catch (BlobAlreadyExistsException taken) {
      throw new RepackConflictException("Version " + next + " of " + shard + " was created by another repacker of " + key);
    }
    if (summary != null) {
      listener.phase(key, next.fileName(), RepackListener.Phase.WRITTEN);
      try {
        verify(path, summary, copied.storedCrc32c());
      } catch (RepackVerificationException failed) {
        if (copied.inPlace() == 0) {
          throw failed;
        }
        // Entries copied in place were not read: a damaged one shows only when the new version is
        // read back. Copy again entry by entry, checking each, which repairs or drops it.
        log.warn("{}; copying {} again entry by entry", failed.getMessage(), shard);
        return write(key, shard, index, copier, state, false, next.revision(), listener);
      }
      listener.phase(key, next.fileName(), RepackListener.Phase.VERIFIED);
    }
    return new Written(next, copied, summary);
  }

  /** Deletes the retired versions whose grace period is over and writes the erasure records that become due. */
  public PurgeReport purge(ShardKey key, long fence) throws IOException {
    return purger.purge(key, fence, RepackListener.NONE);
  }

  /**
   * The content of the shard's tombstoned BigFiles that predates reference markers: no purge may
   * delete it, so their entries are kept (docs/deletion.md). One stat per tombstoned BigFile.
   */
  private Set<String> keptBigFiles(String shard, ShardIndex index, Set<String> tombstoned) throws IOException {
    Set<String> kept = new java.util.HashSet<>();
    for (IndexEntry e : index.entries()) {
      if (e.isBigFile() && tombstoned.contains(TombstoneStore.uidHash(e.uid())) && !kept.contains(e.bigFileSha256())
          && bigFiles.predatesMarkers(BlobPath.of(shard), e.bigFileSha256())) {
        kept.add(e.bigFileSha256());
      }
    }
    return kept;
  }

  /** Records {@code fence} in the key's catalog (a generation that changes nothing else) unless it is there. */
  static CatalogState claim(Archive archive, ShardKey key, long fence) throws IOException {
    CatalogState state = archive.catalog().load(key);
    return state.fence() == fence ? state : archive.catalog().commit(key, fence, s -> s, state);
  }

  private CatalogState claim(ShardKey key, long fence) throws IOException {
    return claim(archive, key, fence);
  }

  /**
   * The revision above every version of the shard in the store, after deleting the versions no
   * catalog lists (orphans of crashed attempts; the caller's claim makes sure their writers can no
   * longer swap them in). The number is taken above the orphans too, so a late cleanup by their
   * writer can never delete ours.
   */
  private ShardName nextRevision(ShardName old, CatalogState state) throws IOException {
    Set<String> known = state.knownNames();
    int highest = old.revision();
    List<BlobPath> orphans = new ArrayList<>();
    String prefix = old.key().prefix() + String.format("%04d", old.seq());
    try (Stream<BlobInfo> listing = archive.store().list(prefix)) {
      for (BlobInfo info : (Iterable<BlobInfo>) listing::iterator) {
        var name = ShardName.parse(info.path().key());
        if (name.isEmpty() || !name.get().key().equals(old.key()) || name.get().seq() != old.seq()) {
          continue;
        }
        highest = Math.max(highest, name.get().revision());
        if (name.get().revision() > 1 && !known.contains(info.path().key())) {
          orphans.add(info.path());
        }
      }
    }
    if (!orphans.isEmpty()) {
      archive.store().delete(orphans);
    }
    return new ShardName(old.key(), old.seq(), highest + 1);
  }

  /**
   * Checks the new version before it can go live: its structure, and the stored bytes of every entry
   * read back against what was written (whose content the copy decoded and checked), without
   * decoding a second time; BigFile entries point at content that was checked while copying.
   */
  private void verify(BlobPath path, ShardSummary summary, Map<String, Long> storedCrc32c) throws IOException {
    ShardVerifier.Result result;
    try {
      result = ShardVerifier.verifyCopy(archive.store(), path, archive.limits(), storedCrc32c);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(path, e);
      throw e;
    }
    if (!result.ok() || result.entries() != summary.entries() || result.verified() != summary.entries()) {
      RepackVerificationException failed = new RepackVerificationException(
          "New version " + path + " failed verification and was deleted: " + result.verified() + " of " + summary.entries()
              + " entries verified" + (result.ok() ? "" : ", first problem: " + result.problems().get(0).message()));
      deleteQuietly(path, failed);
      throw failed;
    }
  }

  /** Thrown inside a catalog change when the old version is no longer live. */
  private static final class NotLive extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLive(String message) {
      super(message, null, false, false);
    }
  }

  private void swap(ShardKey key, long fence, String old, LiveShard replacement, CatalogState base) throws IOException {
    BlobPath path = replacement == null ? null : BlobPath.of(replacement.name());
    try {
      archive.catalog().commit(key, fence, s -> {
        if (!s.contains(old)) {
          throw new NotLive("Shard " + old + " is no longer live in generation " + s.generation() + " of " + key
              + "'s catalog (another repacker swapped it); " + (path == null ? "nothing" : path + " was deleted"));
        }
        return s.withSwap(old, replacement, clock.instant());
      }, base);
    } catch (NotLive lost) {
      RepackConflictException conflict = new RepackConflictException(lost.getMessage());
      deleteQuietly(path, conflict);
      throw conflict;
    } catch (CatalogConflictException refused) {
      deleteQuietly(path, refused);
      throw refused;
    } catch (IOException unknown) {
      // The generation may have been written (a lost response): look before deleting anything.
      if (path == null) {
        throw unknown;
      }
      CatalogState now;
      try {
        now = archive.catalog().load(key);
      } catch (IOException e) {
        unknown.addSuppressed(e);
        throw unknown; // the version may be live: keep it
      }
      if (!names(now, replacement.name())) {
        deleteQuietly(path, unknown);
        throw unknown;
      }
    }
  }

  private static boolean names(CatalogState state, String name) {
    return state.contains(name) || state.retired().stream().anyMatch(r -> r.name().equals(name) || name.equals(r.replacedBy()));
  }

  private void deleteQuietly(BlobPath path, Exception cause) {
    if (path == null) {
      return;
    }
    try {
      archive.store().delete(path);
    } catch (IOException e) {
      cause.addSuppressed(e); // left as an orphan; the next run deletes it
    }
  }
}
