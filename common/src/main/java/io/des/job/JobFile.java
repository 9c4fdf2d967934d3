package io.des.job;

import io.des.routing.CreatedAt;
import java.util.Objects;

/**
 * One file of a job.
 *
 * @param createdAt as the source gave it (an ISO 8601 timestamp), parsed when the job is read
 * @param size the size the source declares; the worker checks it against the bytes it reads
 * @param location the file's absolute path where workers can read it
 */
public record JobFile(String uid, CreatedAt createdAt, long size, String location) {
  public JobFile {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(location, "location");
    if (size < 0) {
      throw new IllegalArgumentException("Negative size " + size + " for '" + uid + "'");
    }
  }
}
