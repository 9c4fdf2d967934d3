package io.des.tombstone;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts of tombstones as of a moment: how many, how many still pending erasure, erased, overdue
 * ({@code erase_by} passed and still pending), and the oldest pending one: the numbers behind the
 * 48-hour erasure promise, for {@code des tombstones stats} and metrics. Constant size whatever it
 * counts. Not thread-safe.
 */
public final class TombstoneTally {
  private final Instant now;
  private long total;
  private long pending;
  private long overdue;
  private Instant oldestPending;

  /** @param now the moment overdue and ages are measured at */
  public TombstoneTally(Instant now) {
    this.now = Objects.requireNonNull(now, "now");
  }

  public void add(TombstoneStore.Status status) {
    total++;
    if (!status.pending()) {
      return;
    }
    Tombstone t = status.tombstone();
    pending++;
    if (t.eraseBy().isBefore(now)) {
      overdue++;
    }
    if (oldestPending == null || t.deletedAt().isBefore(oldestPending)) {
      oldestPending = t.deletedAt();
    }
  }

  /** Adds another tally's counts (of the same moment) to this one. */
  public void add(TombstoneTally other) {
    total += other.total;
    pending += other.pending;
    overdue += other.overdue;
    if (other.oldestPending != null && (oldestPending == null || other.oldestPending.isBefore(oldestPending))) {
      oldestPending = other.oldestPending;
    }
  }

  public Instant now() {
    return now;
  }

  public long total() {
    return total;
  }

  public long pending() {
    return pending;
  }

  public long erased() {
    return total - pending;
  }

  public long overdue() {
    return overdue;
  }

  /** When the oldest pending tombstone was deleted; empty when none is pending. */
  public Optional<Instant> oldestPendingDeletedAt() {
    return Optional.ofNullable(oldestPending);
  }

  /** How long the oldest pending tombstone has waited for erasure. */
  public Optional<Duration> oldestPendingAge() {
    return oldestPendingDeletedAt().map(at -> Duration.between(at, now));
  }
}
