package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.coord.JobRecord;
import io.des.coord.JobState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The jobs that failed for good (dead-lettered), and the operator's retry once the cause is fixed:
 * {@code POST /jobs/failed/retry} forgets them in the ledger (all, or {@code ?job=<id>}), so that
 * the next scan, which still finds their files in the source, offers and publishes them anew
 * (docs/fleet.md). Without it a failed id is kept, and its files skipped, for the ledger's retention.
 */
@RestController
class FailedJobsController {
  /** Most failed jobs listed or retried by one request. */
  static final int LIMIT = 10_000;

  private final JobLedger ledger;

  FailedJobsController(JobLedger ledger) {
    this.ledger = ledger;
  }

  @GetMapping(path = "/jobs/failed", produces = "application/json")
  List<Map<String, Object>> failed(@RequestParam(defaultValue = "100") int limit) {
    return ledger.list(JobState.FAILED, Math.max(1, Math.min(limit, LIMIT))).stream().map(FailedJobsController::describe).toList();
  }

  @PostMapping(path = "/jobs/failed/retry", produces = "application/json")
  Map<String, Object> retry(@RequestParam(required = false) String job) {
    List<String> ids = job != null ? List.of(job) : ledger.list(JobState.FAILED, LIMIT).stream().map(JobRecord::jobId).toList();
    long forgotten = ids.stream().filter(ledger::forgetFailed).count();
    return Map.of("forgotten", forgotten, "offered_again_by", "the next scan that finds their files");
  }

  private static Map<String, Object> describe(JobRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", r.jobId());
    m.put("shard_key", r.shardKey());
    m.put("files", r.files());
    m.put("bytes", r.bytes());
    m.put("cause", r.detail());
    m.put("since", r.since().toString());
    return m;
  }
}
