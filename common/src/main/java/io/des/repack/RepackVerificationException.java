package io.des.repack;

import java.io.IOException;

/**
 * A newly written version failed its whole-shard verification, so it was deleted and the old
 * version stays live. Points at a bug or at storage that corrupts what it stores; not retryable
 * blindly.
 */
public class RepackVerificationException extends IOException {
  private static final long serialVersionUID = 1L;

  public RepackVerificationException(String message) {
    super(message);
  }
}
