package io.des.bigfile;

import io.des.format.ShardReader;
import io.des.routing.ShardKey;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Drops a shard key's reference to BigFile content and deletes the content when no other key
 * references it (docs/deletion.md, "BigFiles"). For a purge that holds the key's lock and has made
 * sure that no version of the key references the content any more. Thread-safe.
 */
public final class BigFileEraser {

  /** What became of the content. */
  public enum Outcome {
    /** Deleted and checked to be gone (or already gone). */
    ERASED,
    /** Kept: other keys reference the same content ({@link Result#others()}). */
    SHARED,
    /** Kept: the blob predates reference markers (see {@link MarkerEpoch}); nothing was changed. */
    PREDATES_MARKERS,
    /** Kept: this purge took so long that its doomed marker may be dead; try again. */
    TOO_SLOW,
    /** Deleted, but still there when checked; try again. */
    STILL_THERE
  }

  /**
   * @param others the other markers found (shard keys), for {@link Outcome#SHARED}
   */
  public record Result(Outcome outcome, BlobPath blob, List<String> others) {
    public Result {
      others = List.copyOf(others);
    }
  }

  private final BigFileRefs refs;
  private final BlobStore store;

  public BigFileEraser(BigFileRefs refs) {
    this.refs = refs;
    this.store = refs.store();
  }

  /**
   * Deletes {@code key}'s marker, then the content unless another key's marker remains: writes a
   * doomed marker of its own, lists the markers, and deletes the blob only when there are none (and
   * only within half the lease of writing the doomed marker), checks with a stat that it is gone, and
   * removes its doomed marker. Other purges' doomed markers are ignored (two purges of one content
   * may both delete it); dead ones are deleted. Idempotent: a purge that failed half way is simply
   * run again.
   */
  public Result release(BlobPath shard, String sha256, ShardKey key) throws IOException {
    BlobPath blob = ShardReader.bigFilePath(shard, sha256);
    Optional<BlobInfo> info = store.stat(blob);
    if (info.isPresent() && refs.predatesMarkers(info.get())) {
      return new Result(Outcome.PREDATES_MARKERS, blob, List.of());
    }
    store.delete(BigFileRefs.marker(shard, sha256, key));
    if (info.isEmpty()) {
      return new Result(Outcome.ERASED, blob, List.of()); // a packer uploading it again has its own marker
    }
    long start = System.nanoTime();
    BlobPath mine = BlobPath.of(BigFileRefs.folder(shard, sha256) + BigFileRefs.DOOMED + key + "."
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    try {
      store.putExclusive(mine, key.toString().getBytes(StandardCharsets.UTF_8));
    } catch (BlobAlreadyExistsException retried) {
      // a retried create whose first response was lost: the name is ours alone
    }
    Result result;
    try {
      result = decide(shard, sha256, blob, mine, start);
    } catch (IOException | RuntimeException e) {
      try {
        store.delete(mine);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup); // it dies after the lease
      }
      throw e;
    }
    store.delete(mine);
    return result;
  }

  private Result decide(BlobPath shard, String sha256, BlobPath blob, BlobPath mine, long start) throws IOException {
    List<String> others = new ArrayList<>();
    List<BlobPath> dead = new ArrayList<>();
    try (Stream<BlobInfo> listing = store.list(BigFileRefs.folder(shard, sha256))) {
      for (BlobInfo i : (Iterable<BlobInfo>) listing::iterator) {
        String name = i.path().name();
        if (!name.startsWith("~")) {
          others.add(name);
        } else if (name.startsWith(BigFileRefs.DOOMED) && !i.path().equals(mine) && refs.isDead(i)) {
          dead.add(i.path());
        }
      }
    }
    if (!dead.isEmpty()) {
      store.delete(dead);
    }
    if (!others.isEmpty()) {
      return new Result(Outcome.SHARED, blob, others);
    }
    if (Duration.ofNanos(System.nanoTime() - start).compareTo(refs.lease().dividedBy(2)) >= 0) {
      return new Result(Outcome.TOO_SLOW, blob, List.of());
    }
    store.delete(blob);
    return new Result(store.stat(blob).isPresent() ? Outcome.STILL_THERE : Outcome.ERASED, blob, List.of());
  }
}
