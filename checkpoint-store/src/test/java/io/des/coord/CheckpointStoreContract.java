package io.des.coord;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The {@link CheckpointStore} contract, run against every backend. */
public abstract class CheckpointStoreContract {
  protected static final Duration RETENTION = Duration.ofMillis(500);

  protected String job;
  protected CheckpointStore store;

  /** A store with the given limits; stores of one test share their checkpoints. */
  protected abstract CheckpointStore newStore(int maxStateBytes, Duration tombstoneRetention);

  /** Lets {@code time} pass for the store's clock; stores on a real clock just go on. */
  protected abstract void passTime(Duration time);

  /** Now, on the clock the store dates its checkpoints by. */
  protected abstract Instant now();

  @BeforeEach
  void openStore(TestInfo test) {
    job = "job-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    store = newStore(CheckpointStore.DEFAULT_MAX_STATE_BYTES, CheckpointStore.DEFAULT_TOMBSTONE_RETENTION);
  }

  @Test
  void loadReturnsEmptyForAnUnknownJob() {
    assertThat(store.load(job)).isEmpty();
  }

  @Test
  void saveThenLoadReturnsTheStateFenceAndTime() {
    Instant before = now().minusSeconds(2);
    store.save(job, 7, bytes("offset=42"));

    Checkpoint loaded = store.load(job).orElseThrow();

    assertThat(loaded.jobId()).isEqualTo(job);
    assertThat(loaded.fence()).isEqualTo(7);
    assertThat(loaded.state()).isEqualTo(bytes("offset=42"));
    assertThat(loaded.savedAt()).isBetween(before, now().plusSeconds(2));
  }

  @Test
  void everyByteValueAndTheEmptyStateRoundTrip() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    store.save(job, 1, all);
    assertThat(store.load(job).orElseThrow().state()).isEqualTo(all);

    store.save(job, 1, new byte[0]);
    assertThat(store.load(job).orElseThrow().state()).isEmpty();
  }

  @Test
  void saveWithAnOlderFenceIsRefusedAndLeavesTheCheckpoint() {
    store.save(job, 5, bytes("successor"));

    assertThatThrownBy(() -> store.save(job, 4, bytes("stale")))
        .isInstanceOfSatisfying(FencedOutException.class, e -> {
          assertThat(e.token()).isEqualTo(4);
          assertThat(e.newer()).isEqualTo(5);
        })
        .hasMessage("Save of job " + job + "'s checkpoint refused: fencing token 4 is older than 5");
    Checkpoint kept = store.load(job).orElseThrow();
    assertThat(kept.fence()).isEqualTo(5);
    assertThat(kept.state()).isEqualTo(bytes("successor"));
  }

  @Test
  void saveWithTheSameOrANewerFenceReplaces() {
    store.save(job, 5, bytes("first"));
    store.save(job, 5, bytes("second"));
    assertThat(store.load(job).orElseThrow().state()).isEqualTo(bytes("second"));

    store.save(job, 6, bytes("third"));
    Checkpoint loaded = store.load(job).orElseThrow();
    assertThat(loaded.fence()).isEqualTo(6);
    assertThat(loaded.state()).isEqualTo(bytes("third"));
  }

  @Test
  void fencesCompareAsNumbersUpToLongMax() {
    store.save(job, 999, bytes("three digits"));
    store.save(job, 1000, bytes("four digits"));
    store.save(job, Long.MAX_VALUE - 1, bytes("large"));

    assertThatThrownBy(() -> store.save(job, Long.MAX_VALUE - 2, bytes("one below"))).isInstanceOf(FencedOutException.class);
    store.save(job, Long.MAX_VALUE, bytes("max"));
    assertThat(store.load(job).orElseThrow().fence()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void deleteRemovesTheCheckpoint() {
    store.save(job, 3, bytes("progress"));

    store.delete(job, 3);

    assertThat(store.load(job)).isEmpty();
  }

  @Test
  void deleteWithAnOlderFenceIsRefusedAndLeavesTheCheckpoint() {
    store.save(job, 3, bytes("progress"));

    assertThatThrownBy(() -> store.delete(job, 2))
        .isInstanceOf(FencedOutException.class)
        .hasMessage("Delete of job " + job + "'s checkpoint refused: fencing token 2 is older than 3");
    assertThat(store.load(job).orElseThrow().state()).isEqualTo(bytes("progress"));
  }

  @Test
  void lateSaveWithAnOlderFenceAfterADeleteIsRefused() {
    store.save(job, 3, bytes("progress"));
    store.delete(job, 4);

    assertThatThrownBy(() -> store.save(job, 3, bytes("late"))).isInstanceOf(FencedOutException.class)
        .hasMessageEndingWith("fencing token 3 is older than 4");
    assertThat(store.load(job)).isEmpty();

    store.save(job, 4, bytes("rerun"));
    assertThat(store.load(job).orElseThrow().state()).isEqualTo(bytes("rerun"));
  }

  @Test
  void deleteOfAnUnknownJobLeavesATombstone() {
    store.delete(job, 9);

    assertThat(store.load(job)).isEmpty();
    assertThatThrownBy(() -> store.save(job, 8, bytes("late"))).isInstanceOf(FencedOutException.class);
  }

  @Test
  void tombstoneIsForgottenAfterItsRetention() {
    CheckpointStore shortMemory = newStore(CheckpointStore.DEFAULT_MAX_STATE_BYTES, RETENTION);
    shortMemory.delete(job, 9);
    assertThatThrownBy(() -> shortMemory.save(job, 1, bytes("late"))).isInstanceOf(FencedOutException.class);

    passTime(RETENTION.plusMillis(1));

    Poll.until(Duration.ofSeconds(5), "a save with an old fence is accepted", () -> {
      try {
        shortMemory.save(job, 1, bytes("much later"));
        return true;
      } catch (FencedOutException stillRemembered) {
        return false;
      }
    });
    assertThat(shortMemory.load(job).orElseThrow().fence()).isEqualTo(1);
  }

  @Test
  void stateAboveTheLimitIsRefusedAndAtTheLimitAccepted() {
    CheckpointStore small = newStore(16, CheckpointStore.DEFAULT_TOMBSTONE_RETENTION);

    assertThat(small.maxStateBytes()).isEqualTo(16);
    assertThatThrownBy(() -> small.save(job, 1, new byte[17]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Checkpoint state of job " + job + " is 17 bytes, above the limit of 16");
    assertThat(small.load(job)).isEmpty();
    small.save(job, 1, new byte[16]);
    assertThat(small.load(job).orElseThrow().state()).hasSize(16);
  }

  @Test
  void defaultLimitIsFourMebibytes() {
    assertThat(store.maxStateBytes()).isEqualTo(4 * 1024 * 1024);
    byte[] large = new byte[store.maxStateBytes()];
    large[large.length - 1] = 42;

    store.save(job, 1, large);

    assertThat(store.load(job).orElseThrow().state()).isEqualTo(large);
  }

  @Test
  void jobsAreIndependent() {
    store.save(job + "-a", 10, bytes("a"));
    store.save(job + "-b", 1, bytes("b"));

    assertThat(store.load(job + "-b").orElseThrow().state()).isEqualTo(bytes("b"));
  }

  @Test
  void concurrentSavesLeaveTheLargestFence() throws Exception {
    int threads = 8;
    int savesPerThread = 12;
    AtomicInteger refused = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> saved = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t + 1;
        saved.add(pool.submit(() -> {
          start.await();
          int count = 0;
          for (long fence = first; fence <= (long) threads * savesPerThread; fence += threads) {
            try {
              store.save(job, fence, bytes("fence " + fence));
              count++;
            } catch (FencedOutException e) {
              assertThat(e.newer()).isGreaterThan(fence);
              refused.incrementAndGet();
            }
          }
          return count;
        }));
      }
      int accepted = 0;
      for (Future<Integer> f : saved) {
        accepted += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(accepted + refused.get()).isEqualTo(threads * savesPerThread);
      Checkpoint last = store.load(job).orElseThrow();
      assertThat(last.fence()).isEqualTo(threads * savesPerThread);
      assertThat(last.state()).isEqualTo(bytes("fence " + threads * savesPerThread));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> store.save("", 1, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Job id must not be empty, got: ");
    assertThatThrownBy(() -> store.save(job, -1, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Fencing token of job " + job + " must not be negative, got: -1");
    assertThatThrownBy(() -> store.delete(job, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.save(job, 1, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Checkpoint state of job " + job + " must not be null");
    assertThatThrownBy(() -> newStore(-1, RETENTION))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Max state bytes must not be negative, got: -1");
    assertThatThrownBy(() -> newStore(16, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Tombstone retention must be at least 1 ms, got: PT0S");
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
