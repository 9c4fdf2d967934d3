package io.des.coord;

import java.time.Instant;

/**
 * The saved progress of one job: an opaque state the worker understands, the fencing token of the
 * lease it was saved under, and when.
 */
public record Checkpoint(String jobId, long fence, byte[] state, Instant savedAt) {}
