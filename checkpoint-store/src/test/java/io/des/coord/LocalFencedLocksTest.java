package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalFencedLocksTest extends FencedLocksContract {
  private final LocalFencedLocks locks = new LocalFencedLocks(Duration.ofMillis(200));

  @Override
  protected FencedLocks process(int index) {
    return locks;
  }

  @Override
  protected void lapse(String name) {
    assertThat(locks.expire(name)).as("a lease was held").isTrue();
  }

  @Test
  void expireOfAFreeLockReportsNothingHeld() {
    assertThat(locks.expire(name)).isFalse();
  }

  @Test
  void tokensIncreaseAcrossNames() {
    long a = acquireNow(locks, name + "-a").token();
    long b = acquireNow(locks, name + "-b").token();

    assertThat(b).isGreaterThan(a);
  }

  @Test
  void leaseTimeoutMustBePositive() {
    assertThatThrownBy(() -> new LocalFencedLocks(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Lease timeout must be positive, got: PT0S");
    assertThat(new LocalFencedLocks().leaseTimeout()).isEqualTo(LocalFencedLocks.DEFAULT_LEASE_TIMEOUT);
  }
}
