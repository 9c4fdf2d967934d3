package io.des.pack;

import io.des.codec.CompressionPolicy;
import java.util.Objects;

/**
 * How to pack.
 *
 * @param maxShardSize soft limit on a shard's content bytes, as upstream: a new shard starts when
 *     adding the next file would pass it; a single larger file gets a shard of its own
 * @param bigFileThreshold payloads strictly larger than this go to {@code _bigFiles/<sha256>}
 * @param threads encoder threads (compression and checksums)
 * @param inFlight batches of entries (consecutive small files, up to 32 or 256 KiB) read and encoded
 *     ahead of each shard writer
 * @param parallelShards shards (of different keys) written at once, so that one shard's durable
 *     commit overlaps the encoding of others
 * @param memoryBudget bytes of file content held in memory at once by all writers together
 *     (compressed copies can briefly double it; each encoder thread also keeps a read buffer and a
 *     compression buffer of at most 4 MiB each); with the per-JVM index cache this bounds packing
 *     memory whatever the input size
 */
public record PackOptions(
    int nBits,
    long maxShardSize,
    long bigFileThreshold,
    CompressionPolicy compression,
    int threads,
    int inFlight,
    int parallelShards,
    long memoryBudget) {

  public static final long DEFAULT_MAX_SHARD_SIZE = 1_000_000_000L;
  public static final long DEFAULT_BIG_FILE_THRESHOLD = 10L * 1024 * 1024;
  public static final long DEFAULT_MEMORY_BUDGET = 64L * 1024 * 1024;

  public PackOptions {
    Objects.requireNonNull(compression, "compression");
    if (maxShardSize <= 0) {
      throw new IllegalArgumentException("max_shard_size_bytes must be > 0, got " + maxShardSize);
    }
    if (bigFileThreshold <= 0 || bigFileThreshold > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("big file threshold must be in 1.." + (Integer.MAX_VALUE - 64) + ", got " + bigFileThreshold);
    }
    if (threads < 1 || inFlight < 1 || parallelShards < 1) {
      throw new IllegalArgumentException(
          "threads, inFlight and parallelShards must be >= 1, got " + threads + ", " + inFlight + ", " + parallelShards);
    }
    if (memoryBudget < 1) {
      throw new IllegalArgumentException("memory budget must be >= 1 byte, got " + memoryBudget);
    }
  }

  /** Defaults for this machine: one encoder per core; a memory budget of an eighth of the heap, at most 64 MiB. */
  public static PackOptions defaults(int nBits) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new PackOptions(
        nBits, DEFAULT_MAX_SHARD_SIZE, DEFAULT_BIG_FILE_THRESHOLD, CompressionPolicy.defaults(), cores, cores * 4, 4,
        Math.min(DEFAULT_MEMORY_BUDGET, Runtime.getRuntime().maxMemory() / 8));
  }

  public PackOptions withCompression(CompressionPolicy policy) {
    return new PackOptions(nBits, maxShardSize, bigFileThreshold, policy, threads, inFlight, parallelShards, memoryBudget);
  }

  public PackOptions withMaxShardSize(long max) {
    return new PackOptions(nBits, max, bigFileThreshold, compression, threads, inFlight, parallelShards, memoryBudget);
  }

  public PackOptions withBigFileThreshold(long threshold) {
    return new PackOptions(nBits, maxShardSize, threshold, compression, threads, inFlight, parallelShards, memoryBudget);
  }

  public PackOptions withParallelShards(int n) {
    return new PackOptions(nBits, maxShardSize, bigFileThreshold, compression, threads, inFlight, n, memoryBudget);
  }

  public PackOptions withMemoryBudget(long bytes) {
    return new PackOptions(nBits, maxShardSize, bigFileThreshold, compression, threads, inFlight, parallelShards, bytes);
  }

  public PackOptions withThreads(int n) {
    return new PackOptions(nBits, maxShardSize, bigFileThreshold, compression, n, Math.max(inFlight, n), parallelShards, memoryBudget);
  }
}
