/** Tombstones (deleted files, hidden at once) and erasure records (their bytes gone), on the blob store. */
package io.des.tombstone;
