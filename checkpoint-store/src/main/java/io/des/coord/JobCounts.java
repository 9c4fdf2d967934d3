package io.des.coord;

/** Jobs, files and bytes per state across the ledger. */
public record JobCounts(
    long pendingJobs, long runningJobs, long doneJobs, long failedJobs,
    long pendingFiles, long runningFiles, long doneFiles, long failedFiles,
    long pendingBytes, long runningBytes, long doneBytes, long failedBytes) {}
