package io.des.verify;

import io.des.catalog.ShardName;
import io.des.format.ShardVerifier;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The last verification result of each shard version, kept in the archive's own store so that any
 * process (the coordinator deciding what to repack, an operator) can read it without the verifier.
 *
 * <p>Layout: {@code _verify/<date>/<hex>/<shard name>.json}, one blob per shard version, replaced
 * atomically by each new verification of it (the last one wins; a reader sees the old record or the
 * new one). A failed result also leaves an empty marker under {@code _verify-failed/} at the same
 * relative name, removed when the shard verifies again or is forgotten, so that finding the failures
 * lists only them, not every shard's record. Records of a shard version outlive it until it is
 * forgotten: a reader that acts on a failure checks that the version is still live. Thread-safe.
 */
public final class VerificationStore {
  public static final String ROOT = "_verify/";
  public static final String FAILED = "_verify-failed/";
  private static final int MAX_RECORD_BYTES = 1 << 20;

  private final BlobStore store;

  public VerificationStore(BlobStore store) {
    this.store = store;
  }

  /** Where the record of a shard version is. */
  public static BlobPath path(ShardName shard) {
    return BlobPath.of(ROOT + relative(shard));
  }

  private static BlobPath failedMarker(ShardName shard) {
    return BlobPath.of(FAILED + relative(shard));
  }

  private static String relative(ShardName shard) {
    return shard.key().dateDir() + "/" + shard.key().shardHex() + "/" + shard.fileName() + ".json";
  }

  /**
   * Records a result durably, replacing any earlier record of the shard.
   *
   * @throws IllegalArgumentException if the result is not of a shard at the root of the store
   */
  public VerificationRecord record(ShardVerifier.Result result, Instant checkedAt) throws IOException {
    VerificationRecord record = VerificationRecord.of(result, checkedAt);
    ShardName shard = shardName(result.shard());
    store.putReplace(path(shard), VerificationCodec.write(record));
    if (record.ok()) {
      store.delete(failedMarker(shard));
    } else {
      store.putReplace(failedMarker(shard), new byte[0]);
    }
    return record;
  }

  /** The last record of a shard version, if it was ever recorded. */
  public Optional<VerificationRecord> find(String shard) throws IOException {
    try {
      return Optional.of(readRecord(path(shardName(shard))));
    } catch (BlobNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The records whose name relative to {@link #ROOT} starts with {@code prefix} ({@code ""} for
   * all, {@code "20240517/"} a day, {@code "20240517/39/"} a key), in name order, read lazily (a
   * GET each). A failure while streaming is an {@link UncheckedIOException}. Close the stream.
   */
  public Stream<VerificationRecord> list(String prefix) throws IOException {
    return store.list(ROOT + prefix).filter(i -> i.path().key().endsWith(".json")).map(i -> read(i.path()));
  }

  /** The records under {@code prefix} of shards that failed their last verification, as {@link #list}. */
  public Stream<VerificationRecord> failures(String prefix) throws IOException {
    return store.list(FAILED + prefix).filter(i -> i.path().key().endsWith(".json"))
        .flatMap(i -> readIfThere(BlobPath.of(ROOT + i.path().key().substring(FAILED.length()))).stream())
        .filter(r -> !r.ok()); // verified again, or forgotten, since the marker was listed
  }

  /** Removes the record of a shard version (once the version is deleted). Idempotent. */
  public void forget(String shard) throws IOException {
    ShardName name = shardName(shard);
    store.delete(java.util.List.of(path(name), failedMarker(name)));
  }

  static ShardName shardName(String shard) {
    return ShardName.parse(shard).orElseThrow(() -> new IllegalArgumentException("Not a shard at the root of the store: " + shard));
  }

  private Optional<VerificationRecord> readIfThere(BlobPath path) {
    try {
      return Optional.of(readRecord(path));
    } catch (BlobNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private VerificationRecord read(BlobPath path) {
    try {
      return readRecord(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private VerificationRecord readRecord(BlobPath path) throws IOException {
    try (InputStream in = store.open(path)) {
      byte[] bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
      if (bytes.length > MAX_RECORD_BYTES) {
        throw new CorruptVerificationRecordException(path.key(), "larger than " + MAX_RECORD_BYTES + " bytes");
      }
      return VerificationCodec.read(path.key(), bytes);
    }
  }
}
