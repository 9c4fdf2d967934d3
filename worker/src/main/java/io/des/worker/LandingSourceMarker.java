package io.des.worker;

import io.des.job.JobFile;
import io.des.job.PackJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Landing files are deleted once packed; a file already gone (a redelivered job) is fine. */
final class LandingSourceMarker implements SourceMarker {
  @Override
  public void mark(PackJob job, List<JobFile> files) throws IOException {
    for (JobFile f : files) {
      Files.deleteIfExists(Path.of(f.location()));
    }
  }
}
