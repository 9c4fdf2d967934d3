package io.des.coord;

/** A stored checkpoint cannot be read back; not retryable, the stored bytes need a look. */
public class CorruptCheckpointException extends CoordinationException {
  public CorruptCheckpointException(String jobId, String where, String problem) {
    super("Corrupt checkpoint of job " + jobId + " in " + where + ": " + problem);
  }
}
