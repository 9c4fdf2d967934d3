package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link JobLedger} contract, run against every backend. */
public abstract class JobLedgerContract {
  protected static final Duration RETENTION = Duration.ofSeconds(1);
  private static final JobCounts NONE = new JobCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  protected JobLedger ledger;

  /** A fresh, empty ledger that keeps DONE and FAILED records for {@code retention}. */
  protected abstract JobLedger newLedger(Duration retention);

  /** Lets {@code time} pass for the ledger's clock; ledgers on a real clock just go on. */
  protected abstract void passTime(Duration time);

  /** Now, on the clock the ledger dates its records by. */
  protected abstract Instant now();

  @BeforeEach
  void openLedger() {
    ledger = newLedger(JobLedger.DEFAULT_RETENTION);
  }

  @Test
  void offerRecordsAPendingJobOnce() {
    Instant before = now().minusSeconds(2);

    assertThat(ledger.offer("j1", "2024/05", 3, 300)).isTrue();
    assertThat(ledger.offer("j1", "2024/05", 3, 300)).isFalse();

    JobRecord job = ledger.get("j1").orElseThrow();
    assertThat(job).usingRecursiveComparison().ignoringFields("since")
        .isEqualTo(new JobRecord("j1", "2024/05", JobState.PENDING, 3, 300, "", "", null));
    assertThat(job.since()).isBetween(before, now().plusSeconds(2));
    assertThat(ledger.get("unknown")).isEmpty();
  }

  @Test
  void offerIsExactlyOnceUnderConcurrency() throws Exception {
    int threads = 16;
    int jobs = 40;
    Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> offers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<String> ids = new ArrayList<>(IntStream.range(0, jobs).mapToObj(i -> "job-" + i).toList());
        Collections.shuffle(ids);
        offers.add(pool.submit(() -> {
          start.await();
          for (String id : ids) {
            if (ledger.offer(id, "key", 2, 10)) {
              accepted.computeIfAbsent(id, unused -> new AtomicInteger()).incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : offers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(accepted).hasSize(jobs);
    assertThat(accepted.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(ledger.counts()).isEqualTo(new JobCounts(jobs, 0, 0, 0, 2L * jobs, 0, 0, 0, 10L * jobs, 0, 0, 0));
  }

  @Test
  void countsFollowEveryTransition() {
    assertThat(ledger.counts()).isEqualTo(NONE);
    ledger.offer("a", "k", 1, 10);
    ledger.offer("b", "k", 2, 20);
    ledger.offer("c", "k", 4, 40);
    ledger.offer("d", "k", 8, 80);
    assertThat(ledger.counts()).isEqualTo(new JobCounts(4, 0, 0, 0, 15, 0, 0, 0, 150, 0, 0, 0));

    ledger.running("a", "k", 1, 10, "w1");
    ledger.running("b", "k", 2, 20, "w2");
    ledger.running("c", "k", 4, 40, "w1");
    assertThat(ledger.counts()).isEqualTo(new JobCounts(1, 3, 0, 0, 8, 7, 0, 0, 80, 70, 0, 0));

    ledger.done("a", "1 shard");
    ledger.failed("b", "disk full");
    ledger.withdraw("d");
    assertThat(ledger.counts()).isEqualTo(new JobCounts(0, 1, 1, 1, 0, 4, 1, 2, 0, 40, 10, 20));

    ledger.running("b", "k", 2, 20, "w3");
    ledger.done("b", "retried");
    ledger.done("c", "1 shard");
    assertThat(ledger.counts()).isEqualTo(new JobCounts(0, 0, 3, 0, 0, 0, 7, 0, 0, 0, 70, 0));
  }

  @Test
  void failedDoesNotOverrideDone() {
    ledger.offer("a", "k", 1, 10);
    ledger.done("a", "1 shard");

    ledger.failed("a", "late failure report");

    JobRecord job = ledger.get("a").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.DONE);
    assertThat(job.detail()).isEqualTo("1 shard");
    assertThat(ledger.counts().failedJobs()).isZero();
  }

  @Test
  void doneIsIdempotent() {
    ledger.offer("a", "k", 1, 10);
    ledger.running("a", "k", 1, 10, "w1");
    ledger.done("a", "first");
    JobRecord first = ledger.get("a").orElseThrow();

    passTime(Duration.ofMillis(5));
    ledger.done("a", "second");

    assertThat(ledger.get("a")).contains(first);
    assertThat(first.worker()).isEqualTo("w1");
    assertThat(ledger.counts().doneJobs()).isEqualTo(1);
  }

  @Test
  void withdrawTakesBackOnlyPendingJobs() {
    ledger.offer("pending", "k", 1, 10);
    ledger.offer("running", "k", 1, 10);
    ledger.running("running", "k", 1, 10, "w1");

    ledger.withdraw("pending");
    ledger.withdraw("running");
    ledger.withdraw("unknown");

    assertThat(ledger.get("pending")).isEmpty();
    assertThat(ledger.get("running").orElseThrow().state()).isEqualTo(JobState.RUNNING);
    assertThat(ledger.get("unknown")).isEmpty();
    assertThat(ledger.offer("pending", "k", 1, 10)).as("offered again after the withdraw").isTrue();
  }

  @Test
  void onlyAFailedJobIsForgottenAndThenOfferedAnew() {
    ledger.offer("failed", "k", 2, 20);
    ledger.failed("failed", "boom");
    ledger.offer("done", "k", 1, 10);
    ledger.done("done", "ok");
    ledger.offer("pending", "k", 1, 10);

    assertThat(ledger.offer("failed", "k", 2, 20)).as("a failed job is not offered again").isFalse();
    assertThat(ledger.forgetFailed("failed")).isTrue();
    assertThat(ledger.forgetFailed("done")).isFalse();
    assertThat(ledger.forgetFailed("pending")).isFalse();
    assertThat(ledger.forgetFailed("unknown")).isFalse();

    assertThat(ledger.get("failed")).isEmpty();
    assertThat(ledger.counts().failedJobs()).isZero();
    assertThat(ledger.get("done").orElseThrow().state()).isEqualTo(JobState.DONE);
    assertThat(ledger.get("pending").orElseThrow().state()).isEqualTo(JobState.PENDING);
    assertThat(ledger.offer("failed", "k", 2, 20)).as("offered anew").isTrue();
  }

  @Test
  void runningRecordsAnUnknownJobAndARedeliveryMovesItToTheNewWorker() {
    ledger.running("a", "k", 2, 20, "w1");
    assertThat(ledger.get("a").orElseThrow())
        .extracting(JobRecord::state, JobRecord::shardKey, JobRecord::files, JobRecord::worker)
        .containsExactly(JobState.RUNNING, "k", 2L, "w1");

    ledger.running("a", "k", 2, 20, "w2");

    assertThat(ledger.get("a").orElseThrow().worker()).isEqualTo("w2");
    assertThat(ledger.counts()).isEqualTo(new JobCounts(0, 1, 0, 0, 0, 2, 0, 0, 0, 20, 0, 0));
    assertThat(ledger.offer("a", "k", 2, 20)).isFalse();
  }

  @Test
  void aDoneJobIsOfferedAgainWhenItsFilesComeBack() {
    ledger.offer("a", "k", 2, 20);
    ledger.running("a", "k", 2, 20, "w1");
    ledger.done("a", "1 shard");

    assertThat(ledger.offer("a", "k", 2, 20)).isTrue();
    assertThat(ledger.offer("a", "k", 2, 20)).isFalse();
    assertThat(ledger.get("a").orElseThrow().state()).isEqualTo(JobState.PENDING);
    assertThat(ledger.counts()).isEqualTo(new JobCounts(1, 0, 0, 0, 2, 0, 0, 0, 20, 0, 0, 0));
  }

  @Test
  void offerAllOffersEachJobAsOfferWould() {
    ledger.offer("pending", "k1", 1, 10);
    ledger.offer("running", "k2", 1, 10);
    ledger.running("running", "k2", 1, 10, "w1");
    ledger.offer("done", "k3", 2, 20);
    ledger.done("done", "1 shard");
    ledger.offer("failed", "k4", 1, 10);
    ledger.failed("failed", "boom");

    List<Boolean> offered = ledger.offerAll(List.of(
        new JobLedger.Offer("new", "k5", 4, 40),
        new JobLedger.Offer("pending", "k1", 1, 10),
        new JobLedger.Offer("running", "k2", 1, 10),
        new JobLedger.Offer("done", "k3", 2, 20),
        new JobLedger.Offer("failed", "k4", 1, 10),
        new JobLedger.Offer("new", "k5", 4, 40)));

    assertThat(offered).containsExactly(true, false, false, true, false, false);
    assertThat(ledger.get("new").orElseThrow()).usingRecursiveComparison().ignoringFields("since")
        .isEqualTo(new JobRecord("new", "k5", JobState.PENDING, 4, 40, "", "", null));
    assertThat(ledger.get("done").orElseThrow().state()).isEqualTo(JobState.PENDING);
    assertThat(ledger.counts()).isEqualTo(new JobCounts(3, 1, 0, 1, 7, 1, 0, 1, 70, 10, 0, 10));
  }

  @Test
  void offerAllTakesABacklogLargerThanOneRoundTrip() {
    List<JobLedger.Offer> offers = new ArrayList<>();
    for (int i = 0; i < 1_234; i++) {
      offers.add(new JobLedger.Offer("job-" + i, "key-" + i, 1, 100));
    }
    ledger.offer("job-700", "key-700", 1, 100);

    List<Boolean> offered = ledger.offerAll(offers);

    assertThat(offered).hasSize(1_234);
    assertThat(offered.indexOf(false)).isEqualTo(700);
    assertThat(offered.lastIndexOf(false)).isEqualTo(700);
    assertThat(ledger.counts().pendingJobs()).isEqualTo(1_234);
    assertThat(ledger.get("job-1233").orElseThrow().shardKey()).isEqualTo("key-1233");
  }

  @Test
  void runningTellsTheStateBeforeSoOnlyOneRunIsTheFirst() {
    ledger.offer("a", "k", 1, 10);

    assertThat(ledger.running("a", "k", 1, 10, "w1")).isEqualTo(JobState.PENDING);
    assertThat(ledger.running("a", "k", 1, 10, "w2")).isEqualTo(JobState.RUNNING);
    assertThat(ledger.running("unknown", "k", 1, 10, "w1")).isNull();
    ledger.done("a", "");
    assertThat(ledger.running("a", "k", 1, 10, "w3")).isEqualTo(JobState.DONE);
  }

  @Test
  void runningLeavesADoneJobDone() {
    ledger.done("a", "1 shard");

    ledger.running("a", "k", 1, 10, "w1");

    assertThat(ledger.get("a").orElseThrow().state()).isEqualTo(JobState.DONE);
    assertThat(ledger.counts().runningJobs()).isZero();
  }

  @Test
  void runningRetriesAFailedJob() {
    ledger.running("a", "k", 1, 10, "w1");
    ledger.failed("a", "timeout");

    ledger.running("a", "k", 1, 10, "w2");

    JobRecord job = ledger.get("a").orElseThrow();
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(job.detail()).isEmpty();
    assertThat(ledger.counts()).isEqualTo(new JobCounts(0, 1, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0));
  }

  @Test
  void doneAndFailedRecordUnknownJobs() {
    ledger.done("a", "found done");
    ledger.failed("b", null);

    assertThat(ledger.get("a").orElseThrow())
        .usingRecursiveComparison().ignoringFields("since")
        .isEqualTo(new JobRecord("a", "", JobState.DONE, 0, 0, "", "found done", null));
    assertThat(ledger.get("b").orElseThrow().detail()).as("a null cause is stored empty").isEmpty();
    assertThat(ledger.offer("b", "k", 1, 1)).as("a failed job waits for a human").isFalse();
  }

  @Test
  void failedKeepsTheLatestCause() {
    ledger.running("a", "k", 1, 10, "w1");
    ledger.failed("a", "first cause");

    ledger.failed("a", "second cause");

    assertThat(ledger.get("a").orElseThrow().detail()).isEqualTo("second cause");
    assertThat(ledger.counts().failedJobs()).isEqualTo(1);
  }

  @Test
  void listReturnsTheOldestFirstUpToTheLimit() {
    // Not in alphabetical order, so a backend that sorts by id instead of by time shows.
    for (String id : List.of("m", "z", "a", "k")) {
      ledger.offer(id, "k", 1, 1);
      passTime(Duration.ofMillis(1));
    }
    ledger.running("m", "k", 1, 1, "w1");

    assertThat(ledger.list(JobState.PENDING, 2)).extracting(JobRecord::jobId).containsExactly("z", "a");
    assertThat(ledger.list(JobState.PENDING, 10)).extracting(JobRecord::jobId).containsExactly("z", "a", "k");
    assertThat(ledger.list(JobState.RUNNING, 10)).singleElement().isEqualTo(ledger.get("m").orElseThrow());
    assertThat(ledger.list(JobState.DONE, 10)).isEmpty();
    assertThat(ledger.list(JobState.PENDING, 0)).isEmpty();
  }

  @Test
  void settledJobsAreForgottenAfterTheRetention() {
    JobLedger forgetful = newLedger(RETENTION);
    forgetful.offer("done", "k", 1, 10);
    forgetful.done("done", "1 shard");
    forgetful.failed("failed", "cause");
    forgetful.offer("pending", "k", 2, 20);
    assertThat(forgetful.counts()).isEqualTo(new JobCounts(1, 0, 1, 1, 2, 0, 1, 0, 20, 0, 10, 0));

    passTime(RETENTION.plusMillis(1));

    Poll.until(Duration.ofSeconds(5), "the settled jobs are forgotten",
        () -> forgetful.counts().equals(new JobCounts(1, 0, 0, 0, 2, 0, 0, 0, 20, 0, 0, 0)));
    assertThat(forgetful.get("done")).isEmpty();
    assertThat(forgetful.list(JobState.FAILED, 10)).isEmpty();
    assertThat(forgetful.get("pending")).isPresent();
    assertThat(forgetful.offer("done", "k", 1, 10)).as("offered anew").isTrue();
  }

  @Test
  void forgottenJobIsOfferedAnewEvenBeforeAnyOtherCall() {
    JobLedger forgetful = newLedger(RETENTION);
    forgetful.done("a", "1 shard");

    passTime(RETENTION.plusMillis(1));

    Poll.until(Duration.ofSeconds(5), "the done job is offered anew", () -> forgetful.offer("a", "k", 1, 10));
    assertThat(forgetful.counts()).isEqualTo(new JobCounts(1, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0));
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> ledger.offer("", "k", 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Job id must not be empty, got: ");
    assertThatThrownBy(() -> ledger.offer("a", "k", -1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Job a must have non-negative counts, got -1 files, 1 bytes");
    assertThatThrownBy(() -> ledger.offer("a", null, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Shard key of job a must not be null");
    assertThatThrownBy(() -> ledger.running("a", "k", 1, 1, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Worker of job a must not be empty, got: ");
    assertThatThrownBy(() -> ledger.list(JobState.DONE, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("List limit must not be negative, got: -1");
    assertThatThrownBy(() -> newLedger(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Retention must be at least 1 ms, got: PT0S");
    assertThat(ledger.counts()).isEqualTo(NONE);
  }
}
