package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The {@link LeaderElection} contract on {@link LockLeaderElection}, run against the locks of every
 * backend. Two processes campaign: {@link #process(int)} 0 and 1.
 */
public abstract class LeaderElectionContract {
  protected static final Duration INTERVAL = Duration.ofMillis(100);
  protected static final Duration SOON = Duration.ofSeconds(5);

  protected String name;
  private final List<LeaderElection> elections = new ArrayList<>();

  /** The locks as process 0 or 1 sees them; both see the same locks. */
  protected abstract FencedLocks process(int index);

  /** Makes the current lease on {@code name} lapse, as if its holder had stopped renewing it. */
  protected abstract void lapse(String name);

  @BeforeEach
  void nameTheElection(TestInfo test) {
    name = "leader-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
  }

  @AfterEach
  void closeElections() {
    elections.forEach(LeaderElection::close);
    process(0).close();
    process(1).close();
  }

  protected LeaderElection election(FencedLocks locks) {
    LeaderElection election = new LockLeaderElection(locks, name, INTERVAL);
    elections.add(election);
    return election;
  }

  @Test
  void oneOfTwoCampaignersLeads() {
    RecordingListener firstHears = new RecordingListener();
    RecordingListener secondHears = new RecordingListener();
    LeaderElection first = election(process(0));
    LeaderElection second = election(process(1));

    first.start(firstHears);
    Poll.until(SOON, "the first campaigner leads", first::isLeader);
    second.start(secondHears);

    Poll.never(INTERVAL.multipliedBy(5), "the second campaigner leads too", second::isLeader);
    assertThat(first.isLeader()).isTrue();
    assertThat(second.term()).isZero();
    assertThat(firstHears.events()).containsExactly("elected " + first.term());
    assertThat(secondHears.events()).isEmpty();
  }

  @Test
  void followerIsNotLeaderAndHasNoTerm() {
    LeaderElection election = election(process(0));

    assertThat(election.isLeader()).isFalse();
    assertThat(election.term()).isZero();
  }

  @Test
  void closingTheLeaderHandsOverOnTheNextRound() {
    RecordingListener firstHears = new RecordingListener();
    LeaderElection first = election(process(0));
    LeaderElection second = election(process(1));
    first.start(firstHears);
    Poll.until(SOON, "the first campaigner leads", first::isLeader);
    long firstTerm = first.term();
    second.start(new RecordingListener());

    long closed = System.nanoTime();
    first.close();
    Poll.until(SOON, "the second campaigner leads", second::isLeader);

    // A release hands over within a round or two; waiting for the lease to lapse takes far longer.
    assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(process(1).leaseTimeout().dividedBy(2));
    assertThat(second.term()).isGreaterThan(firstTerm);
    assertThat(first.isLeader()).isFalse();
    assertThat(first.term()).isZero();
    assertThat(firstHears.events()).containsExactly("elected " + firstTerm, "revoked " + firstTerm);
  }

  @Test
  void deposedLeaderLearnsOnItsNextCheckAndCampaignsAgain() {
    RecordingListener hears = new RecordingListener();
    LeaderElection election = election(process(0));
    election.start(hears);
    Poll.until(SOON, "the campaigner leads", election::isLeader);
    long firstTerm = election.term();

    lapse(name);
    long usurper;
    try (FencedLease other = process(1).tryAcquire(name, SOON).orElseThrow()) {
      usurper = other.token();
      Poll.until(SOON, "the deposed leader steps down", () -> !election.isLeader());
      Poll.never(INTERVAL.multipliedBy(3), "it leads while another holds the lock", election::isLeader);
    }
    Poll.until(SOON, "it is elected again", election::isLeader);

    assertThat(election.term()).isGreaterThan(usurper).isGreaterThan(firstTerm);
    assertThat(hears.events()).containsExactly("elected " + firstTerm, "revoked " + firstTerm, "elected " + election.term());
  }

  @Test
  void failingListenerDoesNotStopTheCampaign() {
    LeaderElection election = election(process(0));
    election.start(new LeaderElection.Listener() {
      @Override
      public void elected(long term) {
        throw new IllegalStateException("listener failure on purpose");
      }

      @Override
      public void revoked(long term) {
        throw new IllegalStateException("listener failure on purpose");
      }
    });
    Poll.until(SOON, "the campaigner leads", election::isLeader);
    long firstTerm = election.term();

    lapse(name);

    Poll.until(SOON, "it steps down and is elected again", () -> election.term() > firstTerm);
  }

  @Test
  void startIsRefusedTwiceAndCloseIsIdempotent() {
    LeaderElection election = election(process(0));
    election.start(new RecordingListener());

    assertThatThrownBy(() -> election.start(new RecordingListener()))
        .isInstanceOf(IllegalStateException.class).hasMessage("Election '" + name + "' was already started or closed");
    election.close();
    election.close();
    assertThat(election.isLeader()).isFalse();
    assertThatThrownBy(() -> election.start(new RecordingListener())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeBeforeStartIsHarmless() {
    LeaderElection election = election(process(0));

    election.close();

    assertThat(election.isLeader()).isFalse();
  }
}
