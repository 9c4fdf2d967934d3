package io.des.coord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.redisson.api.RScript;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link JobLedger} on Redis. Under {@code <prefix>{jobs}:} (one hash tag, so Redis Cluster keeps
 * the ledger in one slot and a script may touch all of it) live a hash per job ({@code job:<id>}), a
 * sorted set per state scored by when the job entered it ({@code state:<STATE>}), and one hash of
 * per-state totals ({@code counts}). Every call is one Lua script that moves the job and the totals
 * together, so {@link #counts()} is one read. Times are Redis server time, in microseconds, so
 * records from different machines order consistently.
 *
 * <p>Each script first forgets up to 100 DONE or FAILED records past the retention, oldest first,
 * and forgets the job it touches if that one is past it; the cost of forgetting is spread over the
 * calls instead of falling on a scan.
 */
public final class RedisJobLedger implements JobLedger {
  private static final int OFFERS_PER_SCRIPT = 500;

  private final RScript script;
  private final String base;
  private final String retentionMillis;

  /** A ledger with the default retention. */
  public RedisJobLedger(RedissonClient client, String keyPrefix) {
    this(client, keyPrefix, DEFAULT_RETENTION);
  }

  /** A ledger under {@code keyPrefix} that keeps DONE and FAILED records for {@code retention}. */
  public RedisJobLedger(RedissonClient client, String keyPrefix, Duration retention) {
    JobLedgerRules.checkRetention(retention);
    this.script = client.getScript(StringCodec.INSTANCE);
    this.base = new RedisKeyPrefix(keyPrefix).key("{jobs}:");
    this.retentionMillis = Long.toString(retention.toMillis());
  }

  @Override
  public boolean offer(String jobId, String shardKey, long files, long bytes) {
    return offerAll(List.of(new Offer(jobId, shardKey, files, bytes))).get(0);
  }

  /**
   * One script per {@value #OFFERS_PER_SCRIPT} offers: a round trip each instead of one per job,
   * while no script holds Redis (single-threaded) for more than a few milliseconds.
   */
  @Override
  public List<Boolean> offerAll(List<Offer> offers) {
    List<Boolean> offered = new ArrayList<>(offers.size());
    for (int from = 0; from < offers.size(); from += OFFERS_PER_SCRIPT) {
      List<Offer> chunk = offers.subList(from, Math.min(offers.size(), from + OFFERS_PER_SCRIPT));
      String[] args = new String[4 * chunk.size()];
      for (int i = 0; i < chunk.size(); i++) {
        Offer o = chunk.get(i);
        JobLedgerRules.checkJob(o.jobId(), o.shardKey(), o.files(), o.bytes());
        args[4 * i] = o.jobId();
        args[4 * i + 1] = o.shardKey();
        args[4 * i + 2] = Long.toString(o.files());
        args[4 * i + 3] = Long.toString(o.bytes());
      }
      String what = chunk.size() == 1 ? "offer job " + chunk.get(0).jobId() : "offer " + chunk.size() + " jobs from " + chunk.get(0).jobId();
      List<Object> results = run(what, chunk.get(0).jobId(),
          RedisLedgerScripts.OFFER_ALL, ReturnType.LIST, args);
      for (Object r : results) {
        offered.add(((Number) r).longValue() == 1);
      }
    }
    return offered;
  }

  @Override
  public void withdraw(String jobId) {
    JobLedgerRules.checkId(jobId);
    run("withdraw job " + jobId, jobId, RedisLedgerScripts.FORGET_IN_STATE, ReturnType.LONG, jobId, JobState.PENDING.name());
  }

  @Override
  public boolean forgetFailed(String jobId) {
    JobLedgerRules.checkId(jobId);
    long forgotten = run("forget failed job " + jobId, jobId, RedisLedgerScripts.FORGET_IN_STATE, ReturnType.LONG, jobId,
        JobState.FAILED.name());
    return forgotten == 1;
  }

  @Override
  public JobState running(String jobId, String shardKey, long files, long bytes, String worker) {
    JobLedgerRules.checkJob(jobId, shardKey, files, bytes);
    JobLedgerRules.checkWorker(jobId, worker);
    Object before = run("mark job " + jobId + " running", jobId, RedisLedgerScripts.RUNNING, ReturnType.VALUE,
        jobId, shardKey, Long.toString(files), Long.toString(bytes), worker);
    String state = before == null ? "" : before.toString();
    return state.isEmpty() ? null : JobState.valueOf(state);
  }

  @Override
  public void done(String jobId, String detail) {
    settle(jobId, JobState.DONE, detail);
  }

  @Override
  public void failed(String jobId, String cause) {
    settle(jobId, JobState.FAILED, cause);
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    JobLedgerRules.checkId(jobId);
    List<Object> fields = run("read job " + jobId, jobId, RedisLedgerScripts.GET, ReturnType.LIST, jobId);
    return fields.get(1) == null ? Optional.empty() : Optional.of(record(jobId, fields, 0));
  }

  @Override
  public JobCounts counts() {
    List<Object> c = run("read the job counts", null, RedisLedgerScripts.COUNTS, ReturnType.LIST);
    long[] n = new long[c.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = c.get(i) == null ? 0 : Long.parseLong((String) c.get(i));
    }
    return new JobCounts(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10], n[11]);
  }

  @Override
  public List<JobRecord> list(JobState state, int limit) {
    JobLedgerRules.checkLimit(limit);
    if (limit == 0) {
      return List.of();
    }
    List<Object> rows = run("list " + state + " jobs", null, RedisLedgerScripts.LIST, ReturnType.LIST,
        state.name(), Integer.toString(limit));
    int width = 1 + RedisLedgerScripts.FIELDS;
    List<JobRecord> jobs = new ArrayList<>(rows.size() / width);
    for (int row = 0; row < rows.size(); row += width) {
      jobs.add(record((String) rows.get(row), rows, row + 1));
    }
    return jobs;
  }

  private void settle(String jobId, JobState state, String detail) {
    JobLedgerRules.checkId(jobId);
    run("mark job " + jobId + " " + state, jobId, RedisLedgerScripts.SETTLE, ReturnType.LONG,
        jobId, JobLedgerRules.detail(detail), state.name());
  }

  /** The record whose fields (in {@link RedisLedgerScripts#FIELDS} order) start at {@code at}. */
  private static JobRecord record(String jobId, List<Object> fields, int at) {
    long micros = Long.parseLong(text(fields, at + 6));
    return new JobRecord(jobId, text(fields, at), JobState.valueOf(text(fields, at + 1)),
        Long.parseLong(text(fields, at + 2)), Long.parseLong(text(fields, at + 3)), text(fields, at + 4),
        text(fields, at + 5), Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1_000));
  }

  private static String text(List<Object> fields, int index) {
    Object value = fields.get(index);
    return value == null ? "" : (String) value;
  }

  private <R> R run(String what, String jobId, String lua, ReturnType type, String... args) {
    Object[] argv = new Object[2 + args.length];
    argv[0] = base;
    argv[1] = retentionMillis;
    System.arraycopy(args, 0, argv, 2, args.length);
    // Every key shares the hash tag; the first one routes the script.
    String key = jobId == null ? base + "counts" : base + "job:" + jobId;
    try {
      return script.eval(key, Mode.READ_WRITE, lua, type, List.of(key), argv);
    } catch (RuntimeException e) {
      throw new CoordinationException("Could not " + what + " in the Redis job ledger", e);
    }
  }
}
