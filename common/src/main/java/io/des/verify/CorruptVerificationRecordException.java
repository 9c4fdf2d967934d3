package io.des.verify;

import java.io.IOException;

/** A verification record that cannot be parsed. */
public final class CorruptVerificationRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptVerificationRecordException(String where, String problem) {
    super("Corrupt verification record " + where + ": " + problem);
  }
}
