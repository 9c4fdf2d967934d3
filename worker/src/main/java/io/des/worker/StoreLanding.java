package io.des.worker;

import io.des.job.JobFile;
import io.des.job.PackJob;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The workers' side of a landing store ({@code des.landing.store}): a job's files are objects
 * named by their keys. Before packing they are streamed to a staging folder on the worker's disk
 * (the packer reads local files, and a retry reads them again), so disk use is bounded by one job's
 * bytes per running job and memory is not used at all; after the commit the objects are deleted.
 * An object that is missing is left out of the staging, and the job runner treats it as a missing
 * file (packed by an earlier run, or reported).
 */
final class StoreLanding implements SourceMarker {
  private final BlobStore landing;
  private final Path staging;

  StoreLanding(BlobStore landing, Path staging) {
    this.landing = landing;
    this.staging = staging;
  }

  /** The job with each file's location replaced by its staged copy; same id, key and files. */
  PackJob stage(PackJob job) throws IOException {
    Path dir = folder(job);
    Files.createDirectories(dir);
    List<JobFile> local = new ArrayList<>(job.files().size());
    for (int i = 0; i < job.files().size(); i++) {
      JobFile f = job.files().get(i);
      Path copy = dir.resolve(Integer.toString(i));
      // Always fetched afresh: a copy left by a crashed run may be partial, or of an object since replaced.
      try (InputStream in = landing.open(BlobPath.of(f.location()))) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      } catch (BlobNotFoundException gone) {
        Files.deleteIfExists(copy);
      }
      local.add(new JobFile(f.uid(), f.createdAt(), f.size(), copy.toString()));
    }
    return new PackJob(job.jobId(), job.key(), job.nBits(), job.source(), local);
  }

  /** Deletes the job's staged copies. */
  void unstage(PackJob job) throws IOException {
    Path dir = folder(job);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Deletes the packed objects; one already gone (a redelivered job) is fine. */
  @Override
  public void mark(PackJob job, List<JobFile> files) throws IOException {
    landing.delete(files.stream().map(f -> BlobPath.of(f.location())).toList());
  }

  private Path folder(PackJob job) {
    // Job ids are "<key>-<hash>"; anything else from a message is made harmless as a folder name.
    return staging.resolve(job.jobId().replaceAll("[^A-Za-z0-9_-]", "_"));
  }
}
