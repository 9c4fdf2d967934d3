package io.des.tombstone;

import java.util.Arrays;
import java.util.Optional;

/** Why a file was deleted; the wire names are upstream's. */
public enum DeletionReason {
  GDPR("GDPR"),
  RETENTION_EXPIRED("retention_expired"),
  USER_REQUEST("user_request");

  private final String wire;

  DeletionReason(String wire) {
    this.wire = wire;
  }

  /** The name in the HTTP API and in tombstone JSON. */
  public String wire() {
    return wire;
  }

  /** The reason named {@code text} exactly as upstream spells it, or empty. */
  public static Optional<DeletionReason> parse(String text) {
    return Arrays.stream(values()).filter(r -> r.wire.equals(text)).findFirst();
  }
}
