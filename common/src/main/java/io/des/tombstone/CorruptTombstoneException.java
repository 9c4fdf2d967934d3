package io.des.tombstone;

import java.io.IOException;

/** A tombstone or erasure record blob that cannot be parsed, or does not belong where it is. */
public final class CorruptTombstoneException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptTombstoneException(String where, String problem) {
    super("Corrupt record " + where + ": " + problem);
  }
}
