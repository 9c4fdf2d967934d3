package io.des.coord;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition with a deadline, instead of sleeping a guessed time. */
final class Poll {
  private static final long STEP_MILLIS = 10;

  private Poll() {}

  /** Returns once {@code condition} holds; fails naming {@code what} if it did not within {@code timeout}. */
  static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting until " + what);
      }
      pause();
    }
  }

  /** Fails naming {@code what} as soon as {@code condition} holds during {@code period}. */
  static void never(Duration period, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        throw new AssertionError("Expected never, but it happened: " + what);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(STEP_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while polling", e);
    }
  }
}
