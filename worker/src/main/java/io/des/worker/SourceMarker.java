package io.des.worker;

import io.des.job.JobFile;
import io.des.job.PackJob;
import java.io.IOException;
import java.util.List;

/**
 * Marks the sources of files that are durably in live shards: deletes landing files, flags database
 * rows {@code archived}. Called only after the catalog commit, and again if a worker died between
 * the commit and the marking, so it must be idempotent.
 */
interface SourceMarker {
  void mark(PackJob job, List<JobFile> files) throws IOException;
}
