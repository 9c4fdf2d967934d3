package io.des.coordinator;

import io.des.job.JobFile;
import io.des.job.SourceKind;
import io.des.pack.InputProblem;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the coordinator finds files waiting to be packed: a landing folder or a table of file
 * records. A scan only reads what is pending; the workers change the source once a file is durably
 * packed (delete the landing file, flag the row archived), so a file a scan returns is returned
 * again by later scans until a worker has marked it. A scan never fails because of one bad record:
 * those come back as problems.
 */
interface FileSource extends AutoCloseable {

  /** Names the source in {@code /status} and in the metrics' {@code source} tag. */
  String name();

  /** Recorded in every job planned from this source; decides how workers mark the files. */
  SourceKind kind();

  /**
   * Reads pending files, at most {@code maxFiles} valid ones.
   *
   * @throws IOException when the source cannot be read at all (the scan is retried next interval)
   */
  Scan scan(int maxFiles) throws IOException;

  /**
   * Whether something landed since the last call (a file or folder moved into a watched landing
   * folder), so that an idle coordinator scans at once instead of at its next interval. Sources
   * that cannot tell say no; the interval finds their files.
   */
  default boolean landed() {
    return false;
  }

  /** What {@code /status} shows about the source besides its last scan (settings, cursors). */
  Map<String, Object> describe();

  /** Releases what the source holds open (a landing folder's watch); scans after it are not expected. */
  @Override
  default void close() throws IOException {}

  /**
   * What one scan found.
   *
   * @param files valid files, at most the scan's limit
   * @param problems records that cannot be packed, with the reason
   * @param oldest the created_at (landing: modification time) of the oldest pending file, or null
   *     when nothing is waiting
   */
  record Scan(List<JobFile> files, List<InputProblem> problems, Instant oldest) {}
}
