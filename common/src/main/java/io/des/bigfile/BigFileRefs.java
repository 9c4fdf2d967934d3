package io.des.bigfile;

import io.des.format.ShardReader;
import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reference markers of BigFile content (docs/deletion.md, "BigFiles"). Beside the shards:
 *
 * <pre>
 * _bigFileRefs/&lt;sha256&gt;/&lt;shard key&gt;                 a key's entries reference _bigFiles/&lt;sha256&gt;
 * _bigFileRefs/&lt;sha256&gt;/~doomed.&lt;shard key&gt;.&lt;nonce&gt;  a purge of that key is deleting it
 * </pre>
 *
 * <p>A packer writes its key's marker <em>before</em> it looks for a doomed marker and decides to
 * reuse or upload the content; a purge writes its doomed marker <em>before</em> it lists the
 * markers. With a strongly consistent listing (every backend, S3 included) one of the two sees the
 * other, so content is never deleted under an entry that a packer is about to commit. A doomed
 * marker older than the {@code lease} is dead: its purge no longer acts (it gives up at half the
 * lease), so a crash cannot block packers for longer than that. Thread-safe.
 */
public final class BigFileRefs {
  public static final String FOLDER = "_bigFileRefs";
  static final String DOOMED = "~doomed.";
  /** How long a doomed marker is in force; its purge deletes nothing after half of it. */
  public static final Duration DOOMED_LEASE = Duration.ofMinutes(10);
  /** How long a packer waits for a purge of the content it wants to end before failing retryably. */
  public static final Duration PACKER_WAIT = Duration.ofSeconds(10);

  private final BlobStore store;
  private final Clock clock;
  private final Duration lease;
  private final Duration packerWait;
  /** Once recorded, the epoch never changes. */
  private volatile MarkerEpoch epoch;

  public BigFileRefs(BlobStore store) {
    this(store, Clock.systemUTC(), DOOMED_LEASE, PACKER_WAIT);
  }

  /**
   * @param clock compared with the store's modification times to tell a dead doomed marker
   * @param lease how long a doomed marker is in force
   * @param packerWait how long {@link #reference} waits for a deletion in progress
   */
  public BigFileRefs(BlobStore store, Clock clock, Duration lease, Duration packerWait) {
    this.store = store;
    this.clock = clock;
    this.lease = lease;
    this.packerWait = packerWait;
  }

  BlobStore store() {
    return store;
  }

  Duration lease() {
    return lease;
  }

  /** The markers of a BigFile of the shard at {@code shard}: {@code <dir>/_bigFileRefs/<sha256>/}. */
  public static String folder(BlobPath shard, String sha256) {
    String dir = shard.parentKey();
    return (dir.isEmpty() ? "" : dir + "/") + FOLDER + "/" + sha256 + "/";
  }

  /** The marker that says {@code key}'s entries reference the content. */
  public static BlobPath marker(BlobPath shard, String sha256, ShardKey key) {
    return BlobPath.of(folder(shard, sha256) + key);
  }

  /**
   * Records that {@code key} references the content {@code sha256} and waits until no purge is
   * deleting it. Call it before looking for the content's blob (to reuse or upload it), never after:
   * the order is what makes reuse safe. Idempotent; a marker left by a pack that then failed only
   * keeps the content longer.
   *
   * @throws BigFileBusyException if a deletion of the content is still in progress after the wait
   */
  public void reference(BlobPath shard, String sha256, ShardKey key) throws IOException {
    if (epoch == null) {
      epoch = MarkerEpoch.start(store, MarkerEpoch.UPGRADE_MARGIN); // before the first marker
    }
    try {
      store.putExclusive(marker(shard, sha256, key), key.toString().getBytes(StandardCharsets.UTF_8));
    } catch (BlobAlreadyExistsException already) {
      // referenced before: one marker per key
    }
    long deadline = System.nanoTime() + packerWait.toNanos();
    long pauseMillis = 50;
    while (true) {
      Optional<BlobInfo> doomed = doomedInForce(shard, sha256, null).stream().findFirst();
      if (doomed.isEmpty()) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new BigFileBusyException("BigFile content " + sha256 + " in " + store.describe() + " is being deleted by a purge ("
            + doomed.get().path() + ", written " + doomed.get().lastModified() + "); not reused. Retry: once that purge ends the"
            + " content is uploaded again, and a marker left by a crashed purge stops counting " + lease + " after it was written");
      }
      try {
        Thread.sleep(Math.max(1, Math.min(pauseMillis, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while waiting for the purge of BigFile content " + sha256);
      }
      pauseMillis = Math.min(1000, pauseMillis * 2);
    }
  }

  /** The content's doomed markers still in force (younger than the lease), except {@code mine}. */
  List<BlobInfo> doomedInForce(BlobPath shard, String sha256, BlobPath mine) throws IOException {
    try (Stream<BlobInfo> listing = store.list(folder(shard, sha256) + DOOMED)) {
      return listing.filter(d -> !d.path().equals(mine) && !isDead(d)).toList();
    }
  }

  /** Whether a doomed marker is older than the lease: its purge no longer acts. */
  boolean isDead(BlobInfo doomed) {
    return doomed.lastModified().plus(lease).isBefore(clock.instant());
  }

  /**
   * Whether the content's blob exists and {@linkplain #predatesMarkers(BlobInfo) predates markers}:
   * a repack keeps a deleted entry that references it, since no purge may delete it.
   */
  public boolean predatesMarkers(BlobPath shard, String sha256) throws IOException {
    Optional<BlobInfo> blob = store.stat(ShardReader.bigFilePath(shard, sha256));
    return blob.isPresent() && predatesMarkers(blob.get());
  }

  /**
   * Whether entries without a marker may reference this BigFile blob: it was created before the
   * archive's {@link MarkerEpoch} was complete, or the archive has none. Such content is never
   * deleted.
   */
  public boolean predatesMarkers(BlobInfo blob) throws IOException {
    MarkerEpoch known = epoch;
    if (known == null) {
      known = MarkerEpoch.read(store).orElse(null);
      if (known == null) {
        return true;
      }
      epoch = known;
    }
    return !known.covers(blob.lastModified());
  }
}
