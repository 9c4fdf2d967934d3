package io.des.format;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed, validated index of one shard: immutable and safe to cache and share between threads.
 *
 * @param version the header version (1 or 2)
 * @param sealed whether the shard has a DES seal (its index is checksummed)
 * @param nBits the routing bits from the seal, 0 when unknown
 * @param shardSize the shard's size in bytes
 * @param indexOffset where the index starts
 */
public record ShardIndex(
    String shard, int version, boolean sealed, int nBits, long shardSize, long indexOffset, List<IndexEntry> entries, Map<String, IndexEntry> byUid) {

  static ShardIndex of(String shard, int version, boolean sealed, int nBits, long shardSize, long indexOffset, List<IndexEntry> entries) {
    Map<String, IndexEntry> map = new HashMap<>(entries.size() * 4 / 3 + 1);
    for (IndexEntry e : entries) {
      map.put(e.uid(), e);
    }
    return new ShardIndex(
        shard, version, sealed, nBits, shardSize, indexOffset, Collections.unmodifiableList(entries), Collections.unmodifiableMap(map));
  }

  public Optional<IndexEntry> find(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  public int size() {
    return entries.size();
  }

  /** A rough count of heap bytes held, for byte-bounded caches. */
  public long estimatedHeapBytes() {
    long bytes = 256;
    for (IndexEntry e : entries) {
      bytes += e.estimatedHeapBytes() + 48; // plus the map node
    }
    return bytes;
  }
}
