package io.des.repack;

import java.util.List;

/**
 * What one shard's repack did.
 *
 * @param to the new live version, or null when every entry was dropped (the shard just left the
 *     live list)
 * @param dropped entries dropped because a tombstone hides them
 * @param corruptDropped corrupt entries dropped because no healthy copy was found
 * @param repaired corrupt entries replaced by a healthy copy from the {@link RepairSource}
 * @param problems corrupt entries, failed repairs, and tombstoned BigFiles kept because their content
 *     predates reference markers (no purge may delete it, docs/deletion.md)
 */
public record ShardRepack(
    String from, String to, long kept, long dropped, long corruptDropped, long repaired, long bytesBefore, long bytesAfter,
    List<String> problems) {

  public ShardRepack {
    problems = List.copyOf(problems);
  }
}
