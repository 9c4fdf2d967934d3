package io.des.pack;

import java.util.concurrent.Semaphore;

/**
 * Bytes of file content that may be held in memory at once, shared by every shard being written.
 * An entry larger than the whole budget takes the whole budget, so it still goes through alone.
 */
final class MemoryBudget {
  private final int bytes;
  private final Semaphore permits;

  MemoryBudget(long bytes) {
    this.bytes = (int) Math.min(Integer.MAX_VALUE, bytes);
    this.permits = new Semaphore(this.bytes);
  }

  private int cost(long size) {
    return (int) Math.max(1, Math.min(size, bytes));
  }

  /** Takes room for an entry if there is some now. */
  boolean tryTake(long size) {
    return permits.tryAcquire(cost(size));
  }

  /** Waits for room; call only while holding none, so that others can always finish. */
  void take(long size) throws InterruptedException {
    permits.acquire(cost(size));
  }

  void give(long size) {
    permits.release(cost(size));
  }
}
