package io.des.coord;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.redisson.RedissonFencedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A lease of {@link RedisFencedLocks}: one Redisson lock owner, renewed by the watchdog. */
final class RedisFencedLease implements FencedLease {
  private static final Logger LOG = LoggerFactory.getLogger(RedisFencedLease.class);

  private final String name;
  private final long token;
  private final RedissonFencedLock lock;
  private final long owner;
  private final Consumer<RedisFencedLease> onClose;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> released = new CompletableFuture<>();

  RedisFencedLease(String name, long token, RedissonFencedLock lock, long owner, Consumer<RedisFencedLease> onClose) {
    this.name = name;
    this.token = token;
    this.lock = lock;
    this.owner = owner;
    this.onClose = onClose;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long token() {
    return token;
  }

  @Override
  public boolean isHeld() {
    if (closed.get()) {
      return false;
    }
    try {
      return lock.isHeldByThread(owner);
    } catch (RuntimeException e) {
      throw new CoordinationException("Could not check lock '" + name + "' on Redis", e);
    }
  }

  @Override
  public CompletionStage<Void> release() {
    startRelease();
    return released.minimalCompletionStage();
  }

  @Override
  public void close() {
    if (!startRelease()) {
      return; // released or closed before
    }
    try {
      released.get(); // never exceptional: startRelease completes it normally whatever happens
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException unreachable) {
      throw new AssertionError(unreachable);
    }
  }

  /** Sends the release, the first time only; false if it was sent before. */
  private boolean startRelease() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    onClose.accept(this);
    // Redisson's unlock script deletes the lock only while this owner holds it, and stops the
    // watchdog for this owner whatever the outcome.
    try {
      lock.unlockAsync(owner).whenComplete((ignored, error) -> {
        if (error != null) {
          logFailedRelease(error);
        }
        released.complete(null);
      });
    } catch (RuntimeException e) {
      logFailedRelease(e);
      released.complete(null);
    }
    return true;
  }

  private void logFailedRelease(Throwable error) {
    if (isLostLease(error)) {
      LOG.debug("Lock '{}' (token {}) was no longer held when released", name, token);
    } else {
      LOG.warn("Could not release lock '{}' (token {}); it lapses after the lease timeout", name, token, error);
    }
  }

  private static boolean isLostLease(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalMonitorStateException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "RedisFencedLease[" + name + ", token " + token + "]";
  }
}
