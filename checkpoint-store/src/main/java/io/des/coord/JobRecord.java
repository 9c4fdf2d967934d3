package io.des.coord;

import java.time.Instant;

/**
 * What the ledger knows of a job.
 *
 * @param shardKey the shard key the job packs, for status pages
 * @param worker the worker running or that ran it, or empty
 * @param detail the failure cause for FAILED, a short summary for DONE, else empty
 */
public record JobRecord(
    String jobId, String shardKey, JobState state, long files, long bytes, String worker, String detail, Instant since) {}
