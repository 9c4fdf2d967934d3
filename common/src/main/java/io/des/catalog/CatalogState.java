package io.des.catalog;

import io.des.routing.ShardKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One generation of a shard key's catalog: which shard versions are live, which are retired, and
 * the next free sequence number. Generation 0 means "no catalog yet" (an empty key, or a folder
 * written by upstream whose shards were found by listing).
 *
 * @param fence the highest fencing token that committed to this key; a commit with a lower token is
 *     refused (see {@link ShardCatalog#commit})
 */
public record CatalogState(
    ShardKey key,
    long generation,
    int nBits,
    int nextSeq,
    long fence,
    List<LiveShard> shards,
    List<RetiredShard> retired,
    Instant committedAt,
    String committedBy) {

  public CatalogState {
    Objects.requireNonNull(key, "key");
    shards = List.copyOf(shards);
    retired = List.copyOf(retired);
  }

  static CatalogState empty(ShardKey key) {
    return new CatalogState(key, 0, 0, 0, 0, List.of(), List.of(), Instant.EPOCH, "");
  }

  /** This state with one more live shard; the sequence counter moves past its number. */
  public CatalogState withShard(LiveShard shard, int nBits) {
    List<LiveShard> next = new ArrayList<>(shards);
    next.removeIf(s -> s.name().equals(shard.name()));
    next.add(shard);
    next.sort((a, b) -> a.shardName().compareTo(b.shardName()));
    int seq = Math.max(nextSeq, shard.shardName().seq() + 1);
    return new CatalogState(key, generation, nBits == 0 ? this.nBits : nBits, seq, fence, next, retired, committedAt, committedBy);
  }

  /**
   * This state with the live shard {@code old} replaced by {@code replacement} (or just removed when
   * it is null) and recorded as retired at {@code at}: a repack's swap.
   *
   * @throws IllegalStateException if {@code old} is not live here
   */
  public CatalogState withSwap(String old, LiveShard replacement, Instant at) {
    if (!contains(old)) {
      throw new IllegalStateException("Shard " + old + " is not live in generation " + generation + " of " + key);
    }
    List<LiveShard> live = new ArrayList<>(shards);
    live.removeIf(s -> s.name().equals(old));
    List<RetiredShard> gone = new ArrayList<>(retired);
    gone.add(new RetiredShard(old, replacement == null ? null : replacement.name(), at));
    CatalogState swapped = new CatalogState(key, generation, nBits, nextSeq, fence, live, gone, committedAt, committedBy);
    return replacement == null ? swapped : swapped.withShard(replacement, 0);
  }

  /** This state without the retired version {@code name} (deleted by a purge). */
  public CatalogState withoutRetired(String name) {
    List<RetiredShard> kept = new ArrayList<>(retired);
    kept.removeIf(r -> r.name().equals(name));
    return new CatalogState(key, generation, nBits, nextSeq, fence, shards, kept, committedAt, committedBy);
  }

  /**
   * Every shard version this generation knows: live, retired, and what replaced the retired ones. A
   * shard file of the key outside this set is an orphan (its writer died or was fenced out before
   * its catalog commit).
   */
  public java.util.Set<String> knownNames() {
    java.util.Set<String> known = new java.util.HashSet<>();
    shards.forEach(s -> known.add(s.name()));
    for (RetiredShard r : retired) {
      known.add(r.name());
      if (r.replacedBy() != null) {
        known.add(r.replacedBy());
      }
    }
    return known;
  }

  public boolean contains(String shardName) {
    return shards.stream().anyMatch(s -> s.name().equals(shardName));
  }
}
