package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link FencedLocks} contract, run against every backend. Two processes contend for the same
 * locks: {@link #process(int)} 0 and 1 (the same instance where the backend has one process).
 */
public abstract class FencedLocksContract {
  private static final Duration LONG_WAIT = Duration.ofSeconds(10);

  protected String name;

  /** The locks as process 0 or 1 sees them; both see the same locks. */
  protected abstract FencedLocks process(int index);

  /** Makes the current lease on {@code name} lapse, as if its holder had stopped renewing it. */
  protected abstract void lapse(String name);

  @BeforeEach
  void nameTheLock(TestInfo test) {
    name = "lock-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
  }

  @AfterEach
  void releaseLeftovers() {
    process(0).close();
    process(1).close();
  }

  @Test
  void tokensIncreaseWithEveryAcquisition() {
    long last = 0;
    for (int i = 0; i < 6; i++) {
      try (FencedLease lease = acquireNow(process(i % 2), name)) {
        assertThat(lease.token()).as("token of acquisition %d", i).isGreaterThan(last);
        assertThat(lease.name()).isEqualTo(name);
        last = lease.token();
      }
    }
  }

  @Test
  void secondAcquirerGetsNothingWhileTheLockIsHeld() {
    try (FencedLease lease = acquireNow(process(0), name)) {
      assertThat(process(1).tryAcquire(name, Duration.ZERO)).as("other process").isEmpty();
      assertThat(process(1).tryAcquire(name, Duration.ofMillis(200))).as("other process, waiting").isEmpty();
      assertThat(process(0).tryAcquire(name, Duration.ZERO)).as("same process and thread: not reentrant").isEmpty();
      assertThat(lease.isHeld()).isTrue();
    }
  }

  @Test
  void releasedLockCanBeTakenAgainWithALargerToken() {
    FencedLease first = acquireNow(process(0), name);
    first.close();

    assertThat(first.isHeld()).isFalse();
    try (FencedLease second = acquireNow(process(1), name)) {
      assertThat(second.token()).isGreaterThan(first.token());
      assertThat(second.isHeld()).isTrue();
      first.close();
      assertThat(second.isHeld()).as("a second close of the old lease releases nothing").isTrue();
    }
  }

  @Test
  void anotherThreadCanReleaseTheLease() throws Exception {
    FencedLease lease = acquireNow(process(0), name);

    CompletableFuture.runAsync(lease::close).get(10, TimeUnit.SECONDS);

    assertThat(lease.isHeld()).isFalse();
    try (FencedLease next = acquireNow(process(1), name)) {
      assertThat(next.token()).isGreaterThan(lease.token());
    }
  }

  @Test
  void waitingAcquirerGetsTheLockOnceItIsReleased() throws Exception {
    FencedLease held = acquireNow(process(0), name);
    CompletableFuture<Optional<FencedLease>> waiter = CompletableFuture.supplyAsync(() -> process(1).tryAcquire(name, LONG_WAIT));
    Poll.never(Duration.ofMillis(200), "the waiter acquired a held lock", waiter::isDone);

    long released = System.nanoTime();
    held.close();

    try (FencedLease next = waiter.get(LONG_WAIT.toSeconds() + 5, TimeUnit.SECONDS).orElseThrow()) {
      assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(5));
      assertThat(next.token()).isGreaterThan(held.token());
    }
  }

  @Test
  void releaseWithoutWaitingFreesTheLockForAWaitingAcquirer() throws Exception {
    FencedLease lease = acquireNow(process(0), name);

    CompletableFuture<Void> released = lease.release().toCompletableFuture();

    try (FencedLease next = process(1).tryAcquire(name, LONG_WAIT).orElseThrow()) {
      assertThat(next.token()).isGreaterThan(lease.token());
      released.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(lease.isHeld()).isFalse();
      lease.release();
      lease.close();
      assertThat(next.isHeld()).as("a released lease's later release and close leave the new holder alone").isTrue();
    }
  }

  @Test
  void heldLeaseOutlivesSeveralLeaseTimeouts() {
    try (FencedLease lease = acquireNow(process(0), name)) {
      Duration wait = process(0).leaseTimeout().multipliedBy(5).dividedBy(2);

      assertThat(process(1).tryAcquire(name, wait)).as("acquired while renewed for %s", wait).isEmpty();
      assertThat(lease.isHeld()).isTrue();
    }
  }

  @Test
  void lapsedLeaseLetsAnotherTakeTheLockWithALargerToken() {
    FencedLease stale = acquireNow(process(0), name);

    lapse(name);

    try (FencedLease next = process(1).tryAcquire(name, process(1).leaseTimeout().multipliedBy(3)).orElseThrow()) {
      assertThat(next.token()).isGreaterThan(stale.token());
      assertThat(stale.isHeld()).isFalse();
      stale.close();
      assertThat(next.isHeld()).as("the stale lease's close left the new holder alone").isTrue();
      assertThat(process(0).tryAcquire(name, Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void concurrentAcquirersHoldTheLockOneAtATime() throws Exception {
    int threadsPerProcess = 8;
    int rounds = 4;
    AtomicInteger inside = new AtomicInteger();
    AtomicLong lastToken = new AtomicLong();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    CyclicBarrier start = new CyclicBarrier(2 * threadsPerProcess);
    ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerProcess);
    try {
      List<Future<Integer>> acquired = new ArrayList<>();
      for (int t = 0; t < 2 * threadsPerProcess; t++) {
        FencedLocks locks = process(t % 2);
        acquired.add(pool.submit(() -> {
          start.await();
          int count = 0;
          for (int r = 0; r < rounds; r++) {
            try (FencedLease lease = locks.tryAcquire(name, LONG_WAIT).orElseThrow()) {
              if (inside.incrementAndGet() != 1) {
                violations.add("two holders at token " + lease.token());
              }
              if (lease.token() <= lastToken.getAndSet(lease.token())) {
                violations.add("token " + lease.token() + " not above the previous holder's");
              }
              Thread.sleep(1); // widens the window in which a second holder would show
              inside.decrementAndGet();
              count++;
            }
          }
          return count;
        }));
      }
      int total = 0;
      for (Future<Integer> f : acquired) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(2 * threadsPerProcess * rounds);
      assertThat(violations).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void locksOfDifferentNamesAreIndependent() {
    try (FencedLease a = acquireNow(process(0), name + "-a"); FencedLease b = acquireNow(process(1), name + "-b")) {
      assertThat(a.isHeld()).isTrue();
      assertThat(b.isHeld()).isTrue();
    }
  }

  @Test
  void closingTheLocksReleasesTheirLeases() {
    FencedLease lease = acquireNow(process(0), name);

    process(0).close();

    assertThat(lease.isHeld()).isFalse();
    try (FencedLease next = acquireNow(process(1), name)) {
      assertThat(next.token()).isGreaterThan(lease.token());
    }
  }

  @Test
  void interruptedWaiterGetsNothingAndKeepsItsInterrupt() throws Exception {
    try (FencedLease held = acquireNow(process(0), name)) {
      CompletableFuture<Boolean> interruptedAndEmpty = CompletableFuture.supplyAsync(() -> {
        Thread.currentThread().interrupt();
        boolean empty = process(1).tryAcquire(name, LONG_WAIT).isEmpty();
        return empty && Thread.interrupted();
      });
      assertThat(interruptedAndEmpty.get(LONG_WAIT.toSeconds() + 5, TimeUnit.SECONDS)).isTrue();
      assertThat(held.isHeld()).isTrue();
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> process(0).tryAcquire("", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Lock name must not be empty, got: ");
    assertThatThrownBy(() -> process(0).tryAcquire(name, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Wait must not be negative, got: PT-0.001S");
  }

  protected static FencedLease acquireNow(FencedLocks locks, String name) {
    return locks.tryAcquire(name, Duration.ZERO).orElseThrow(() -> new AssertionError("lock " + name + " was not free"));
  }
}
