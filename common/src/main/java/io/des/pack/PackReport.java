package io.des.pack;

import java.util.List;

/**
 * What a pack run did.
 *
 * @param shards the shard files written, in order
 * @param skipped files already packed by an earlier run (idempotent re-runs)
 * @param contentBytes bytes of content packed (before compression)
 * @param storedBytes bytes written to shards and BigFiles
 */
public record PackReport(
    List<String> shards, long files, long skipped, long bigFiles, long contentBytes, long storedBytes, long nanos) {

  public double seconds() {
    return nanos / 1e9;
  }
}
