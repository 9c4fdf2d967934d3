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
 * @param inFlight entries read and encoded ahead of the writer; with the BigFile threshold this
 *     bounds packing memory at about {@code inFlight * bigFileThreshold * 2}
 */
public record PackOptions(
    int nBits, long maxShardSize, long bigFileThreshold, CompressionPolicy compression, int threads, int inFlight) {

  public static final long DEFAULT_MAX_SHARD_SIZE = 1_000_000_000L;
  public static final long DEFAULT_BIG_FILE_THRESHOLD = 10L * 1024 * 1024;

  public PackOptions {
    Objects.requireNonNull(compression, "compression");
    if (maxShardSize <= 0) {
      throw new IllegalArgumentException("max_shard_size_bytes must be > 0, got " + maxShardSize);
    }
    if (bigFileThreshold <= 0 || bigFileThreshold > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("big file threshold must be in 1.." + (Integer.MAX_VALUE - 64) + ", got " + bigFileThreshold);
    }
    if (threads < 1 || inFlight < 1) {
      throw new IllegalArgumentException("threads and inFlight must be >= 1");
    }
  }

  public static PackOptions defaults(int nBits) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new PackOptions(nBits, DEFAULT_MAX_SHARD_SIZE, DEFAULT_BIG_FILE_THRESHOLD, CompressionPolicy.defaults(), cores, cores * 4);
  }

  public PackOptions withCompression(CompressionPolicy policy) {
    return new PackOptions(nBits, maxShardSize, bigFileThreshold, policy, threads, inFlight);
  }

  public PackOptions withMaxShardSize(long max) {
    return new PackOptions(nBits, max, bigFileThreshold, compression, threads, inFlight);
  }

  public PackOptions withBigFileThreshold(long threshold) {
    return new PackOptions(nBits, maxShardSize, threshold, compression, threads, inFlight);
  }

  public PackOptions withThreads(int n) {
    return new PackOptions(nBits, maxShardSize, bigFileThreshold, compression, n, Math.max(inFlight, n));
  }
}
