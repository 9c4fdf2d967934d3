package io.des.pack;

/** Progress callbacks of a pack run; called from several writer threads at once, so implementations must be thread-safe. */
public interface PackListener {
  PackListener NONE = new PackListener() {};

  /** The run will pack this many files and bytes (after skipping what is already packed). */
  default void planned(long files, long bytes) {}

  /** One more file was written. */
  default void packed(long bytes) {}

  /** A shard became live. */
  default void shardCommitted(String name, long entries, long bytes) {}
}
