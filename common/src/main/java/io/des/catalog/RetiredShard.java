package io.des.catalog;

import java.time.Instant;

/** A shard version replaced by a repack, kept until its grace period ends, then deleted. */
public record RetiredShard(String name, String replacedBy, Instant retiredAt) {}
