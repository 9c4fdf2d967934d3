package io.des.repack;

import io.des.format.IndexEntry;
import io.des.routing.ShardKey;
import java.io.IOException;
import java.util.Optional;

/**
 * A healthy copy of an entry's content, for example from a replica of the archive in another zone.
 * The repacker checks what it returns against the entry's size and checksum before using it.
 */
@FunctionalInterface
public interface RepairSource {
  /** The entry's whole content, or empty when this source has no copy. */
  Optional<byte[]> content(ShardKey key, IndexEntry entry) throws IOException;
}
