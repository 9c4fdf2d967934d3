package io.des.verify;

import io.des.format.ShardVerifier;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The recorded outcome of verifying one shard version, as {@link VerificationStore} keeps it.
 *
 * @param shard the shard's blob key ({@code 20240517_39_0003.des})
 * @param version the format version its seal records (0 when the shard could not be read)
 * @param entries entries in its index (0 when the index could not be read)
 * @param verified entries whose content checked out
 * @param problems the first {@link #MAX_PROBLEMS} problems
 * @param problemCount how many problems were found in all
 */
public record VerificationRecord(
    String shard, long size, int version, Instant checkedAt, long entries, long verified, boolean ok,
    List<ShardVerifier.Problem> problems, long problemCount) {

  /** More problems than this are counted, not kept: a shard whose every entry is corrupt stays a small record. */
  public static final int MAX_PROBLEMS = 100;

  public VerificationRecord {
    Objects.requireNonNull(shard, "shard");
    Objects.requireNonNull(checkedAt, "checkedAt");
    problems = List.copyOf(problems);
    if (problems.size() > MAX_PROBLEMS || problemCount < problems.size()) {
      throw new IllegalArgumentException(
          "Verification record of " + shard + " keeps " + problems.size() + " problems of " + problemCount + " (at most " + MAX_PROBLEMS + ")");
    }
    if (ok != (problemCount == 0)) {
      throw new IllegalArgumentException("Verification record of " + shard + " says ok=" + ok + " with " + problemCount + " problems");
    }
  }

  /** The record of a result checked at {@code checkedAt}, its problems capped. */
  public static VerificationRecord of(ShardVerifier.Result result, Instant checkedAt) {
    List<ShardVerifier.Problem> all = result.problems();
    return new VerificationRecord(result.shard(), result.size(), result.version(), checkedAt, result.entries(), result.verified(),
        result.ok(), all.subList(0, Math.min(all.size(), MAX_PROBLEMS)), all.size());
  }
}
