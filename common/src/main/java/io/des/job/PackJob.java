package io.des.job;

import io.des.pack.SourceFile;
import io.des.routing.ShardKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pack these files, all of one shard key, into shards of the archive. Built by {@link JobPlanner}
 * (which makes the id), carried by {@link JobCodec}.
 *
 * @param jobId {@code <key>-<hash>}, a function of everything else (see {@link JobPlanner#idOf})
 * @param nBits the routing bits the files were routed with
 */
public record PackJob(String jobId, ShardKey key, int nBits, SourceKind source, List<JobFile> files) {
  public PackJob {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(source, "source");
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Job " + jobId + " has no files");
    }
  }

  public long bytes() {
    return files.stream().mapToLong(JobFile::size).sum();
  }

  /** The files as the packer takes them; messages name the job and the file's place in it. */
  public List<SourceFile> sourceFiles() {
    List<SourceFile> sources = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      JobFile f = files.get(i);
      sources.add(new SourceFile(f.uid(), f.createdAt(), f.size(), Path.of(f.location()), "job " + jobId + " file " + (i + 1)));
    }
    return sources;
  }
}
