package io.des.coord;

import java.time.Duration;

/** The argument checks every {@link FencedLocks} makes before it touches its backend. */
final class LockRules {
  private LockRules() {}

  static void checkAcquire(String name, Duration wait) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Lock name must not be empty, got: " + name);
    }
    if (wait.isNegative()) {
      throw new IllegalArgumentException("Wait must not be negative, got: " + wait);
    }
  }
}
