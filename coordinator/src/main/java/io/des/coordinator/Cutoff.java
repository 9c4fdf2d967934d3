package io.des.coordinator;

import java.time.Instant;
import java.util.Objects;

/**
 * The point in time that makes a database row due for packing: rows created before it (or up to it,
 * inclusive) and not archived are picked up by a scan.
 */
record Cutoff(Instant at, Bound bound) {
  Cutoff {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(bound, "bound");
  }

  /** How created_at compares with the cut-off. */
  enum Bound {
    /** {@code created_at < at}: the age cut-off, as upstream's per-record migration. */
    BEFORE("<"),
    /** {@code created_at <= at}: the watermark, whose window ends inclusively at a midnight. */
    UP_TO("<=");

    private final String operator;

    Bound(String operator) {
      this.operator = operator;
    }

    String operator() {
      return operator;
    }
  }

  @Override
  public String toString() {
    return "created_at " + bound.operator() + " " + at;
  }
}
