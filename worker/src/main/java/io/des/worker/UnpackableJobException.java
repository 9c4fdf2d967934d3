package io.des.worker;

/** No file of the job can be packed as described (all missing, changed or conflicting). Not retried. */
public final class UnpackableJobException extends Exception {
  public UnpackableJobException(String message) {
    super(message);
  }
}
