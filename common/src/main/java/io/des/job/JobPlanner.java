package io.des.job;

import io.des.routing.ShardKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Cuts the files of a shard key into jobs of at most {@code maxJobBytes} and {@code maxJobFiles},
 * each small enough for one message ({@link JobCodec#MAX_BYTES}: long uids and locations make fewer
 * files a job), in the order given, and names each job by a hash of its content: planning the same
 * files in the same order gives the same jobs with the same ids, which is how a coordinator that
 * restarts or takes over recognises work that is already pending.
 */
public final class JobPlanner {
  private final int nBits;
  private final SourceKind source;
  private final long maxJobBytes;
  private final int maxJobFiles;

  public JobPlanner(int nBits, SourceKind source, long maxJobBytes, int maxJobFiles) {
    if (maxJobBytes < 1 || maxJobFiles < 1) {
      throw new IllegalArgumentException("Job limits must be positive: " + maxJobBytes + " bytes, " + maxJobFiles + " files");
    }
    if (maxJobFiles > JobCodec.MAX_FILES) {
      throw new IllegalArgumentException("At most " + JobCodec.MAX_FILES + " files per job, asked for " + maxJobFiles);
    }
    this.nBits = nBits;
    this.source = source;
    this.maxJobBytes = maxJobBytes;
    this.maxJobFiles = maxJobFiles;
  }

  /** The jobs for these files of {@code key}; a file larger than the byte limit gets a job of its own. */
  public List<PackJob> plan(ShardKey key, List<JobFile> files) {
    List<PackJob> jobs = new ArrayList<>();
    List<JobFile> current = new ArrayList<>();
    long bytes = 0;
    long messageBytes = JobCodec.JOB_OVERHEAD_BYTES;
    for (JobFile f : files) {
      int fileBytes = JobCodec.fileBytesAtMost(f);
      if (!current.isEmpty()
          && (current.size() == maxJobFiles || bytes + f.size() > maxJobBytes || messageBytes + fileBytes > JobCodec.MAX_BYTES)) {
        jobs.add(job(key, current));
        current = new ArrayList<>();
        bytes = 0;
        messageBytes = JobCodec.JOB_OVERHEAD_BYTES;
      }
      current.add(f);
      bytes += f.size();
      messageBytes += fileBytes;
    }
    if (!current.isEmpty()) {
      jobs.add(job(key, current));
    }
    return jobs;
  }

  private PackJob job(ShardKey key, List<JobFile> files) {
    return new PackJob(idOf(key, nBits, source, files), key, nBits, source, files);
  }

  /** {@code <key>-<first 20 hex digits of SHA-256 over key, n_bits, source and every file>}. */
  public static String idOf(ShardKey key, int nBits, SourceKind source, List<JobFile> files) {
    // One text hashed once (the same digest as a line at a time): a backlog's ids are computed for
    // every file of it while the workers already run.
    StringBuilder text = new StringBuilder(64 + 96 * files.size());
    text.append("des-pack-job-v1\n").append(key).append('\n').append(nBits).append('\n').append(source.name()).append('\n');
    for (JobFile f : files) {
      text.append(f.uid()).append('\0').append(f.createdAt().toIso()).append('\0').append(f.size()).append('\0')
          .append(f.location()).append('\n');
    }
    byte[] digest = sha256().digest(text.toString().getBytes(StandardCharsets.UTF_8));
    return key + "-" + HexFormat.of().formatHex(digest, 0, 10);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
