package io.des.format;

/**
 * Memory bounds of a shard reader, set by configuration and never by the shard: a shard whose index
 * or entry exceeds them gets {@link ShardLimitExceededException}, never an OutOfMemoryError.
 *
 * @param maxIndexBytes largest index a reader will load
 * @param maxEntryBytes largest entry {@link ShardReader#read} decodes in memory (stream bigger ones)
 * @param tailReadBytes how many bytes the first tail read asks for, hoping to get footer, seal and
 *     index in one request
 */
public record ReaderLimits(int maxIndexBytes, long maxEntryBytes, int tailReadBytes) {

  public static final ReaderLimits DEFAULTS = new ReaderLimits(256 << 20, 64L << 20, 64 << 10);

  public ReaderLimits {
    if (maxIndexBytes < 4 || maxEntryBytes < 0 || tailReadBytes < FormatConstants.FOOTER_SIZE) {
      throw new IllegalArgumentException(
          "Invalid reader limits: maxIndexBytes=" + maxIndexBytes + ", maxEntryBytes=" + maxEntryBytes
              + ", tailReadBytes=" + tailReadBytes);
    }
  }
}
