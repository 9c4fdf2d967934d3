package io.des.tombstone;

import java.io.IOException;

/** The file was deleted: a tombstone hides it (whether or not its bytes are erased yet). */
public final class FileDeletedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Tombstone tombstone;

  public FileDeletedException(Tombstone tombstone) {
    super("UID '" + tombstone.uid() + "' of " + tombstone.key() + " was deleted at " + tombstone.deletedAt()
        + " (" + tombstone.reason().wire() + ")");
    this.tombstone = tombstone;
  }

  public Tombstone tombstone() {
    return tombstone;
  }
}
