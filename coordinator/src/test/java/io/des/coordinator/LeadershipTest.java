package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.coord.LocalFencedLocks;
import io.des.coord.LocalJobLedger;
import io.des.coord.LockLeaderElection;
import io.des.job.JobMessages;
import io.des.job.JobPlanner;
import io.des.job.SourceKind;
import io.des.pack.InputProblem;
import io.des.routing.Router;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** {@link Leadership} scans every source, each on its own: status, metrics and errors per source. */
class LeadershipTest {
  private final LocalFencedLocks locks = new LocalFencedLocks();
  private final LockLeaderElection election = new LockLeaderElection(locks, "coordinator", Duration.ofMillis(20));
  private final LocalJobLedger ledger = new LocalJobLedger();
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private int queueTarget = 32;

  @AfterEach
  void close() throws Exception {
    election.close();
    locks.close();
  }

  /** A source with only invalid records, so that nothing is published. */
  private static FileSource invalidRecords(String name, int count) {
    return new FakeSource(name, SourceKind.DATABASE, Map.of("table", name), () -> {
      if (count < 0) {
        throw new IOException("connection refused");
      }
      List<InputProblem> problems = java.util.stream.IntStream.range(0, count)
          .mapToObj(i -> new InputProblem(name + "[" + i + "]", "source file does not exist")).toList();
      return new FileSource.Scan(List.of(), problems, count == 0 ? null : Instant.now().minusSeconds(60));
    });
  }

  private static Planner planner(FileSource source, LocalJobLedger ledger) {
    JobPlanner jobs = new JobPlanner(8, source.kind(), 1_000_000, 100);
    return new Planner(source, ledger, null, "jobs", jobs, new JobMessages(1, Long.MAX_VALUE), new Router(8), 1000, Clock.systemUTC());
  }

  private Leadership leadership(Planner... planners) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    for (int i = 0; i < planners.length; i++) {
      beans.addBean("planner" + i, planners[i]);
    }
    // No Kafka here: before the first scan nothing is pending, so the new leader reads no topic.
    StrandedJobs stranded = new StrandedJobs(() -> {
      throw new AssertionError("no topic to read");
    }, () -> {
      throw new AssertionError("no topic to read");
    }, java.util.List.of("jobs"), "des-workers", ledger);
    return new Leadership(election, beans.getBeanProvider(Planner.class), ledger, stranded, meters, queueTarget, Duration.ofSeconds(2));
  }

  private void awaitLeader() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!election.isLeader() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(election.isLeader()).isTrue();
  }

  @Test
  void refusesToStartWithoutAnySource() {
    assertThatThrownBy(this::leadership).isInstanceOf(IllegalStateException.class)
        .hasMessage("No source to pack from: set des.coordinator.landing (a landing folder), "
            + "des.landing.store (an S3 prefix laid out as one), des.database.url (a table of file records), or several");
  }

  @Test
  @SuppressWarnings("unchecked")
  void reportsEachSourceAndAFailingSourceDoesNotStopTheOthers() throws Exception {
    Leadership leadership = leadership(planner(invalidRecords("broken", -1), ledger), planner(invalidRecords("database", 3), ledger));
    leadership.campaign();
    awaitLeader();

    leadership.tick();
    leadership.tick();

    Map<String, Object> sources = (Map<String, Object>) leadership.status().get("sources");
    Map<String, Object> broken = (Map<String, Object>) sources.get("broken");
    Map<String, Object> database = (Map<String, Object>) sources.get("database");
    assertThat(broken).containsEntry("table", "broken").containsEntry("last_error", "java.io.IOException: connection refused")
        .doesNotContainKey("last_scan");
    assertThat(database).containsEntry("table", "database").doesNotContainKey("last_error");
    assertThat((Map<String, Object>) database.get("last_scan")).containsEntry("pending", 3L).containsEntry("problems", 3)
        .containsEntry("first_problems", List.of("database[0]: source file does not exist", "database[1]: source file does not exist",
            "database[2]: source file does not exist"));
    assertThat(meters.get("des.coordinator.pending.files").tag("source", "database").gauge().value()).isEqualTo(3);
    assertThat(meters.get("des.coordinator.scan.problems").tag("source", "database").gauge().value()).isEqualTo(3);
    assertThat(meters.get("des.coordinator.file.problems").tag("source", "database").counter().count()).isEqualTo(6);
    assertThat(meters.get("des.coordinator.pending.files").tag("source", "broken").gauge().value()).isZero();
    assertThat(leadership.lagSeconds()).isGreaterThanOrEqualTo(60);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theStatusShowsTheLedgerAsItIsNotAsOfTheLastTick() throws Exception {
    Leadership leadership = leadership(planner(invalidRecords("database", 0), ledger));
    leadership.campaign();
    awaitLeader();
    leadership.tick();

    // A job finishes between two ticks: whoever watches /status for the end sees it at once.
    ledger.offer("job-a", "20240101_01", 7, 700);
    ledger.running("job-a", "20240101_01", 7, 700, "w1");
    ledger.done("job-a", "packed");
    assertThat((Map<String, Object>) leadership.status().get("files")).containsEntry("packed", 7L);
    assertThat((Map<String, Object>) leadership.status().get("jobs")).containsEntry("done", 1L);
  }

  @Test
  void noScanWhileTheQueueHoldsTheTargetAndAScanOnceItDrainsBelow() throws Exception {
    queueTarget = 2;
    int[] scans = {0};
    FileSource counting = FakeSource.landing("counted", () -> {
      scans[0]++;
      return new FileSource.Scan(List.of(), List.of(), null);
    });
    Leadership leadership = leadership(planner(counting, ledger));
    leadership.campaign();
    awaitLeader();
    leadership.tick(); // the new term's first tick, with nothing pending (no stranded jobs to look for)
    assertThat(scans[0]).isEqualTo(1);
    ledger.offer("job-a", "20240101_01", 1, 1);
    ledger.offer("job-b", "20240101_02", 1, 1);

    leadership.tick();
    assertThat(scans[0]).as("two jobs pending: the workers have enough").isEqualTo(1);
    assertThat(meters.get("des.coordinator.scans.skipped").counter().count()).isEqualTo(1);

    ledger.running("job-a", "20240101_01", 1, 1, "w1");
    leadership.tick();
    assertThat(scans[0]).as("one pending: the source is read again").isEqualTo(2);
  }

  @Test
  void anArrivalWakesAnIdleLeaderBeforeItsIntervalButNotABusyOne() throws Exception {
    queueTarget = 2;
    int[] scans = {0};
    java.util.concurrent.atomic.AtomicBoolean arrived = new java.util.concurrent.atomic.AtomicBoolean();
    FakeSource fake = FakeSource.landing("watched", () -> {
      scans[0]++;
      return new FileSource.Scan(List.of(), List.of(), null);
    });
    FileSource watched = new FileSource() {
      public String name() {
        return fake.name();
      }

      public io.des.job.SourceKind kind() {
        return fake.kind();
      }

      public Scan scan(int maxFiles) throws IOException {
        return fake.scan(maxFiles);
      }

      public Map<String, Object> describe() {
        return fake.describe();
      }

      @Override
      public boolean landed() {
        return arrived.getAndSet(false);
      }
    };
    Leadership leadership = leadership(planner(watched, ledger));
    leadership.campaign();
    awaitLeader();

    leadership.poll(); // just started: the 2 s interval has not passed, nothing arrived
    assertThat(scans[0]).isZero();
    arrived.set(true);
    leadership.poll();
    assertThat(scans[0]).as("an arrival wakes the idle leader").isEqualTo(1);
    leadership.poll();
    assertThat(scans[0]).as("and only once").isEqualTo(1);

    ledger.offer("job-a", "20240101_01", 1, 1);
    ledger.offer("job-b", "20240101_02", 1, 1);
    arrived.set(true);
    leadership.poll(); // the queue is at its target: no scan, and the leader is busy
    arrived.set(true);
    leadership.poll();
    assertThat(scans[0]).as("a busy leader keeps to its interval").isEqualTo(1);
    assertThat(meters.get("des.coordinator.scans.skipped").counter().count()).isEqualTo(1);
  }
}
