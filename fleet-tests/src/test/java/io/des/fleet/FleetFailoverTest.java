package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.job.JobCodec;
import io.des.coord.JobCounts;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.Map;
import java.util.ArrayList;
import io.des.routing.ShardKey;
import io.des.routing.Router;
import io.des.routing.CreatedAt;
import io.des.job.SourceKind;
import io.des.job.PackJob;
import io.des.job.JobPlanner;
import io.des.job.JobFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two coordinators: the leader is paused past its lease, the standby takes over, the old leader
 * comes back deposed; then the new leader is killed and the first takes over again. Files keep
 * landing throughout. Every file is packed, and no job was ever published twice.
 */
class FleetFailoverTest extends FleetTestBase {
  /** The lease (4 s in these tests) plus the one-second campaign interval, plus slack for 2 busy cores. */
  private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(12);

  @Test
  void aStandbyTakesOverAndNoJobIsPublishedTwice() throws Exception {
    long filesBefore = jobs.redis.ledger().counts().doneFiles(); // the class's other test may have run
    Path landing = tmp.resolve("landing");
    FleetEndToEndTest.land(landing, 0, 1500);
    AppProcess c1 = fleet.coordinator("coordinator-1", landing);
    c1.awaitHealthy(Duration.ofMinutes(3));
    awaitLeader(c1, Duration.ofSeconds(30));
    AppProcess c2 = fleet.coordinator("coordinator-2", landing);
    AppProcess w1 = fleet.worker("worker-1");
    AppProcess w2 = fleet.worker("worker-2");
    Fleet.awaitHealthy(Duration.ofMinutes(3), c2, w1, w2);
    awaitDoneJobs(20);

    c1.signal("STOP"); // a leader that stops renewing: a long pause, a frozen VM
    long paused = System.nanoTime();
    awaitLeader(c2, TAKEOVER_BOUND);
    Duration takeover = Duration.ofNanos(System.nanoTime() - paused);
    FleetEndToEndTest.land(landing, 1500, 3000);
    c1.signal("CONT");
    awaitStatus(c1, "\"leader\":false", Duration.ofSeconds(10));

    awaitDoneJobs(jobs.redis.ledger().counts().doneJobs() + 20);
    c2.kill(); // kill -9 of the new leader
    awaitLeader(c1, TAKEOVER_BOUND);
    FleetEndToEndTest.land(landing, 3000, 4000);

    FleetEndToEndTest.awaitLandingEmpty(landing, Duration.ofMinutes(4), c1, w1, w2);
    for (AppProcess app : List.of(c1, w1, w2)) {
      app.close(); // the other test starts a fleet of its own
    }
    List<ConsumerRecord<String, byte[]>> published = Topics.readAll(fleet.kafka.getBrokersAsString(), "des.pack-jobs", 1, Duration.ofSeconds(30));
    List<String> ids = published.stream() // a message names each of its jobs in a header
        .flatMap(r -> java.util.stream.StreamSupport.stream(r.headers().headers(JobCodec.JOB_ID_HEADER).spliterator(), false))
        .map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
    assertThat(ids).as("job ids published").doesNotHaveDuplicates();
    JobCounts counts = jobs.redis.ledger().counts();
    assertThat(counts.failedJobs()).isZero();
    assertThat(counts.doneFiles() - filesBefore).isEqualTo(4000);
    assertThat(ids).hasSize((int) counts.doneJobs());
    assertThat(takeover).isLessThan(TAKEOVER_BOUND);
    try (Stream<Path> left = Files.list(landing.resolve("files"))) {
      assertThat(left).isEmpty();
    }
  }

  private static void awaitDoneJobs(long jobsDone) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (jobs.redis.ledger().counts().doneJobs() < jobsDone) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + jobsDone + " jobs done: " + jobs.redis.ledger().counts());
      }
      Thread.sleep(100);
    }
  }

  private static void awaitLeader(AppProcess coordinator, Duration timeout) throws Exception {
    awaitStatus(coordinator, "\"leader\":true", timeout);
  }

  private static void awaitStatus(AppProcess coordinator, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      try {
        status = coordinator.get("/status");
        if (status.contains(text)) {
          return;
        }
      } catch (java.io.IOException notAnswering) {
        status = notAnswering.toString();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(coordinator.name() + " status has no " + text + " after " + timeout + ": " + status + "\n" + coordinator.tail(30));
  }

  @Test
  void jobsALeaderOfferedButNeverPublishedArePublishedByTheNext() throws Exception {
    // A leader that died between offering jobs to the ledger and publishing them: the jobs stay
    // PENDING and hold their keys, unless the next leader notices that the topic does not have them.
    Path landing = tmp.resolve("landing-stranded");
    FleetEndToEndTest.land(landing, 5000, 5200);
    Router router = new Router(8);
    Map<ShardKey, List<JobFile>> byKey = new TreeMap<>(java.util.Comparator.comparing(ShardKey::toString));
    for (int i = 5000; i < 5200; i++) {
      Path p = landing.resolve("files").resolve(FleetEndToEndTest.uid(i));
      CreatedAt createdAt = CreatedAt.of(FleetEndToEndTest.createdAt(i));
      byKey.computeIfAbsent(router.route(FleetEndToEndTest.uid(i), createdAt), k -> new ArrayList<>())
          .add(new JobFile(FleetEndToEndTest.uid(i), createdAt, Files.size(p), p.toAbsolutePath().toString()));
    }
    JobPlanner planner = new JobPlanner(8, SourceKind.LANDING, 1_000_000_000L, 5000);
    int offered = 0;
    for (Map.Entry<ShardKey, List<JobFile>> e : byKey.entrySet()) {
      PackJob job = planner.plan(e.getKey(), e.getValue()).get(0);
      assertThat(jobs.redis.ledger().offer(job.jobId(), job.key().toString(), job.files().size(), job.bytes())).isTrue();
      offered++;
    }
    assertThat(offered).isGreaterThan(50);

    try (AppProcess coordinator = fleet.coordinator("coordinator-next", landing);
        AppProcess worker = fleet.worker("worker-next")) {
      Fleet.awaitHealthy(Duration.ofMinutes(3), coordinator, worker);
      FleetEndToEndTest.awaitLandingEmpty(landing, Duration.ofMinutes(2), coordinator, worker);
      double released = coordinator.get("/actuator/prometheus").lines()
          .filter(l -> l.startsWith("des_coordinator_stranded_jobs_total"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      assertThat(released).as("stranded jobs withdrawn by the new leader").isGreaterThanOrEqualTo(offered);
    }
  }
}
