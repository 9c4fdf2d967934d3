package io.des.format;

import java.io.IOException;

/** The uid is not in the shard (or not in any shard of its key). */
public class EntryNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public EntryNotFoundException(String message) {
    super(message);
  }
}
