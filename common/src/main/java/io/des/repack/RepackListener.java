package io.des.repack;

import io.des.routing.ShardKey;

/**
 * Hears the phases of each shard's repack, in order, from the thread that runs it; the worker maps
 * them to checkpoints and metrics. A shard whose every entry was dropped has no WRITTEN and
 * VERIFIED phase. PURGED is called once per retired version deleted, with that version's name.
 * An exception thrown here stops the repack as a crash at that point would.
 */
public interface RepackListener {
  enum Phase {
    /** The caller's fencing token is recorded in the key's catalog. */
    CLAIMED,
    /** The new version is uploaded (not yet live). */
    WRITTEN,
    /** The new version passed a whole-shard verification. */
    VERIFIED,
    /** The catalog lists the new version as live and the old one as retired. */
    SWAPPED,
    /**
     * A retired version is deleted, checked to be gone, and removed from the catalog, and the
     * erasure records of the files only it held are written.
     */
    PURGED
  }

  void phase(ShardKey key, String shard, Phase phase);

  RepackListener NONE = (k, s, p) -> {};
}
