package io.des.coord;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LeaderElection} on a {@link FencedLocks}, for either backend: the leader is the holder of
 * the lock {@code name}, and its term is the lease's token. One daemon thread campaigns every
 * {@code interval}: a follower tries the lock without waiting, a leader asks {@link
 * FencedLease#isHeld()}. A check that answers no or fails (the backend cannot be reached) deposes
 * the leader: it releases what it can, tells the listener, and campaigns again. {@link #close()}
 * releases the lock, so a standby takes over on its next round rather than after the lease timeout.
 */
public final class LockLeaderElection implements LeaderElection {
  /** Campaign interval when none is given. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(LockLeaderElection.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final FencedLocks locks;
  private final String name;
  private final Duration interval;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScheduledExecutorService campaigner;
  private Listener listener;
  // The lease is touched only on the campaign thread; term is what other threads read (0: follower).
  private FencedLease lease;
  private volatile long term;
  private int failuresInARow;

  public LockLeaderElection(FencedLocks locks, String name) {
    this(locks, name, DEFAULT_INTERVAL);
  }

  public LockLeaderElection(FencedLocks locks, String name, Duration interval) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Election name must not be empty, got: " + name);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("Campaign interval must be positive, got: " + interval);
    }
    this.locks = locks;
    this.name = name;
    this.interval = interval;
  }

  /**
   * @throws IllegalStateException if the election was started or closed before
   */
  @Override
  public void start(Listener listener) {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("Election '" + name + "' was already started or closed");
    }
    this.listener = listener;
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "des-election-" + name);
      thread.setDaemon(true);
      return thread;
    });
    executor.scheduleWithFixedDelay(this::campaign, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    campaigner = executor;
  }

  @Override
  public boolean isLeader() {
    return term != 0;
  }

  @Override
  public long term() {
    return term;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService executor = campaigner;
    if (executor == null) {
      return;
    }
    // Shutting down drops the periodic campaign but still runs the step-down queued before it, on
    // the campaign thread, after a campaign that may be running now.
    executor.execute(this::stepDownIfLeading);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Election '{}' did not stop within {}; its lease lapses after the lease timeout", name, CLOSE_TIMEOUT);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void campaign() {
    try {
      if (lease == null) {
        Optional<FencedLease> won = locks.tryAcquire(name, Duration.ZERO);
        if (won.isPresent()) {
          lease = won.get();
          term = lease.token();
          LOG.info("Elected leader of '{}' for term {}", name, term);
          tell(true, term);
        }
      } else if (!stillHeld()) {
        stepDownIfLeading();
      }
      if (failuresInARow > 0) {
        LOG.info("Campaign for '{}' works again after {} failed rounds", name, failuresInARow);
        failuresInARow = 0;
      }
    } catch (RuntimeException e) {
      // The scheduler would stop the campaign for good on an escaping exception. An outage fails
      // every round; its first failure is the one worth a warning.
      if (failuresInARow++ == 0) {
        LOG.warn("Campaign for '{}' failed; trying again every {}", name, interval, e);
      } else {
        LOG.debug("Campaign for '{}' failed again ({} rounds)", name, failuresInARow, e);
      }
    }
  }

  private boolean stillHeld() {
    try {
      return lease.isHeld();
    } catch (RuntimeException e) {
      LOG.warn("Could not confirm the lease of '{}' (term {}); stepping down", name, term, e);
      return false;
    }
  }

  private void stepDownIfLeading() {
    if (lease == null) {
      return;
    }
    long ended = term;
    FencedLease lost = lease;
    lease = null;
    term = 0;
    lost.close();
    LOG.info("Stepped down as leader of '{}' after term {}", name, ended);
    tell(false, ended);
  }

  private void tell(boolean elected, long ofTerm) {
    try {
      if (elected) {
        listener.elected(ofTerm);
      } else {
        listener.revoked(ofTerm);
      }
    } catch (RuntimeException e) {
      LOG.error("Listener of election '{}' failed on term {}", name, ofTerm, e);
    }
  }
}
