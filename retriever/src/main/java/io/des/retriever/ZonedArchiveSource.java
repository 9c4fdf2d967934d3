package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import io.des.format.EntryNotFoundException;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.tombstone.FileDeletedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Reads through the zone that holds a file's shard index, trying its replicas in order. Each
 * replica has a circuit breaker: a replica that keeps failing is skipped until its breaker lets a
 * few trial reads through (half-open) and closes again. A corrupt entry is read from the next
 * replica too: a healthy copy wins. Each zone has a rate limiter that refuses at once when its
 * budget is spent ({@link BackpressureException}: 429 with Retry-After), so S3 is not throttled
 * and no queue grows without bound.
 */
final class ZonedArchiveSource implements ArchiveSource {

  record Replica(String name, Archive archive, CircuitBreaker breaker) {}

  record Zone(String name, int start, int end, List<Replica> replicas, RateLimiter limiter) {}

  /** A zone's read budget is spent; the client should come back after {@code retryAfter}. */
  static final class BackpressureException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    BackpressureException(String zone, Duration retryAfter) {
      super("Zone " + zone + " is at its request limit");
      this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
      return retryAfter;
    }
  }

  /** Every replica of the zone is failing or shut off by its breaker. */
  static final class ZoneUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    ZoneUnavailableException(String zone, Throwable last) {
      super("No replica of zone " + zone + " is available" + (last == null ? "" : ": " + last.getMessage()), last);
    }
  }

  private final Router router;
  private final List<Zone> zones;

  ZonedArchiveSource(Router router, List<Zone> zones) {
    this.router = router;
    this.zones = List.copyOf(zones);
  }

  List<Zone> zones() {
    return zones;
  }

  @Override
  public String backend() {
    return "multi_s3";
  }

  @Override
  public <T> T read(String uid, CreatedAt createdAt, ReadAction<T> action) throws IOException {
    int index = router.shardIndex(uid);
    Zone zone = zoneOf(index);
    if (!zone.limiter().acquirePermission()) {
      throw new BackpressureException(zone.name(), zone.limiter().getRateLimiterConfig().getLimitRefreshPeriod());
    }
    IOException last = null;
    CorruptShardException corrupt = null;
    for (Replica replica : zone.replicas()) {
      if (!replica.breaker().tryAcquirePermission()) {
        continue;
      }
      long start = System.nanoTime();
      try {
        T result = action.apply(replica.archive());
        replica.breaker().onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return result;
      } catch (EntryNotFoundException | FileDeletedException e) {
        // An answer, not a fault: the replicas are copies of one another.
        replica.breaker().onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        throw e;
      } catch (CorruptShardException e) {
        replica.breaker().onSuccess(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        corrupt = e; // the storage works; this copy is bad: try the next one
      } catch (IOException e) {
        replica.breaker().onError(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS, e);
        last = e;
      }
    }
    if (corrupt != null) {
      throw corrupt;
    }
    throw new ZoneUnavailableException(zone.name(), last);
  }

  @Override
  public List<Location> locations(String uid) throws IOException {
    return zoneOf(router.shardIndex(uid)).replicas().stream().map(r -> new Location(r.name(), r.archive())).toList();
  }

  private Zone zoneOf(int index) throws EntryNotFoundException {
    for (Zone z : zones) {
      if (index >= z.start() && index <= z.end()) {
        return z;
      }
    }
    throw new EntryNotFoundException("No S3 zone configured for shard index " + index);
  }
}
