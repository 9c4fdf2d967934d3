package io.des.coord;

import java.time.Duration;

class LocalLeaderElectionTest extends LeaderElectionContract {
  private final LocalFencedLocks locks = new LocalFencedLocks(Duration.ofSeconds(30));

  @Override
  protected FencedLocks process(int index) {
    return locks;
  }

  @Override
  protected void lapse(String name) {
    locks.expire(name);
  }
}
