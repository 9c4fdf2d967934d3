package io.des.format;

/** What a finished shard holds. */
public record ShardSummary(
    long entries, long bigFiles, long shardBytes, long contentBytes, long storedBytes) {}
