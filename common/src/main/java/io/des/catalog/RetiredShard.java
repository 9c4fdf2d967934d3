package io.des.catalog;

import java.time.Instant;

/**
 * A shard version replaced by a repack, kept until its grace period ends, then deleted.
 *
 * @param replacedBy the version that replaced it, or null when the repack dropped every entry (the
 *     shard left the live list without a successor)
 */
public record RetiredShard(String name, String replacedBy, Instant retiredAt) {}
