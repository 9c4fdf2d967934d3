package io.des.job;

import io.des.catalog.ShardName;
import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Maintain one shard key's stored versions: repack its live shards that hold deleted or corrupt
 * entries, and delete retired versions whose grace period ended. The worker works out what to do
 * from the store itself (the job's lists say why the coordinator sent it and make its id), so a job
 * that arrives late or twice does only what is still needed.
 *
 * @param jobId {@code <key>-repack-<hash>}, a function of everything else (see {@link #idOf})
 * @param shards live shards the coordinator saw holding tombstoned entries
 * @param corrupt live shards a verification found corrupt: repacked even without tombstones
 * @param purge retired versions whose grace period had ended
 * @param reasons why the job was sent: {@code deleted_ratio}, {@code erasure_deadline}, {@code
 *     corruption}, {@code purge}
 */
public record RepackJob(String jobId, ShardKey key, List<String> shards, List<String> corrupt, List<String> purge, List<String> reasons) {
  public RepackJob {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(key, "key");
    shards = List.copyOf(shards);
    corrupt = List.copyOf(corrupt);
    purge = List.copyOf(purge);
    reasons = List.copyOf(reasons);
    for (List<String> names : List.of(shards, corrupt, purge)) {
      for (String name : names) {
        ShardName parsed = ShardName.parse(name).orElseThrow(() -> new IllegalArgumentException("Not a shard name: " + name));
        if (!parsed.key().equals(key)) {
          throw new IllegalArgumentException("Shard " + name + " is not of the job's key " + key);
        }
      }
    }
    if (shards.isEmpty() && corrupt.isEmpty() && purge.isEmpty()) {
      throw new IllegalArgumentException("Repack job " + jobId + " names no shard");
    }
  }

  /** A job with its id made from its content. */
  public static RepackJob of(ShardKey key, List<String> shards, List<String> corrupt, List<String> purge, List<String> reasons) {
    return new RepackJob(idOf(key, shards, corrupt, purge, reasons), key, shards, corrupt, purge, reasons);
  }

  /** This job with one more reason, hence another id (a retry of a failed job is a new job). */
  public RepackJob withReason(String reason) {
    List<String> more = new java.util.ArrayList<>(reasons);
    more.add(reason);
    return of(key, shards, corrupt, purge, more);
  }

  /** {@code <key>-repack-<first 20 hex digits of SHA-256 over the content>}. */
  public static String idOf(ShardKey key, List<String> shards, List<String> corrupt, List<String> purge, List<String> reasons) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String text = "des-repack-job-v1\n" + key + "\n" + String.join(",", shards) + "\n" + String.join(",", corrupt) + "\n"
          + String.join(",", purge) + "\n" + String.join(",", reasons) + "\n";
      return key + "-repack-" + HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)), 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
