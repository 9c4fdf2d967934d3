package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.des.archive.Archive;
import io.des.format.EntryNotFoundException;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.storage.BlobInfo;
import io.des.storage.BlobStore;
import io.des.storage.FaultyBlobStore;
import io.des.storage.InMemoryBlobStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failover between replicas, circuit breakers that open and recover, and a zone's rate limit. */
class ZonedArchiveSourceTest {
  @TempDir Path tmp;
  private static final CreatedAt DAY = CreatedAt.parse("2024-01-01");
  private final InMemoryBlobStore primaryData = new InMemoryBlobStore();
  private final InMemoryBlobStore secondaryData = new InMemoryBlobStore();
  private final FaultyBlobStore primary = new FaultyBlobStore(primaryData);
  private final FaultyBlobStore secondary = new FaultyBlobStore(secondaryData);
  private CircuitBreaker primaryBreaker;

  @BeforeEach
  void packBothReplicas() throws Exception {
    Path a = Files.writeString(tmp.resolve("a"), "three");
    Path b = Files.writeString(tmp.resolve("b"), "nine");
    try (Packer packer = new Packer(Archive.create(primaryData, 4, ReaderLimits.DEFAULTS), PackOptions.defaults(4), PackListener.NONE)) {
      packer.pack(List.of(new SourceFile("3", DAY, -1, a, "a"), new SourceFile("9", DAY, -1, b, "b")));
    }
    copy(primaryData, secondaryData);
    primaryBreaker = CircuitBreaker.of("a/0", CircuitBreakerConfig.custom()
        .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(2)).permittedNumberOfCallsInHalfOpenState(2).build());
  }

  private static void copy(BlobStore from, BlobStore to) throws Exception {
    try (Stream<BlobInfo> all = from.list("")) {
      for (BlobInfo info : (Iterable<BlobInfo>) all::iterator) {
        try (var in = from.open(info.path())) {
          to.putExclusive(info.path(), in.readAllBytes());
        }
      }
    }
  }

  private ZonedArchiveSource source(int requestsPerSecond) throws Exception {
    ZonedArchiveSource.Replica first = new ZonedArchiveSource.Replica("a/0", Archive.withBits(primary, 4, ReaderLimits.DEFAULTS), primaryBreaker);
    ZonedArchiveSource.Replica second = new ZonedArchiveSource.Replica("a/1", Archive.withBits(secondary, 4, ReaderLimits.DEFAULTS),
        CircuitBreaker.ofDefaults("a/1"));
    RateLimiter limiter = RateLimiter.of("a", RateLimiterConfig.custom().limitForPeriod(requestsPerSecond)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
    // Zone a holds shard indexes 0-7 only: uid "9" (index 9) falls in a gap.
    return new ZonedArchiveSource(new Router(4), List.of(new ZonedArchiveSource.Zone("a", 0, 7, List.of(first, second), limiter)));
  }

  private String read(ZonedArchiveSource source, String uid) throws Exception {
    return source.read(uid, DAY, archive -> new String(archive.locate(uid, DAY).shard().read(uid), StandardCharsets.UTF_8));
  }

  @Test
  void aFailingPrimaryFailsOverThenItsBreakerOpensAndRecovers() throws Exception {
    ZonedArchiveSource source = source(1000);
    primary.failNextReads(1_000);
    for (int i = 0; i < 4; i++) {
      assertThat(read(source, "3")).isEqualTo("three");
    }
    assertThat(primaryBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    int primaryReads = primary.reads();
    assertThat(read(source, "3")).isEqualTo("three");
    assertThat(primary.reads()).as("an open breaker keeps reads away").isEqualTo(primaryReads);

    primary.reset(); // the zone comes back
    Thread.sleep(2_100);
    assertThat(read(source, "3")).isEqualTo("three");
    assertThat(read(source, "3")).isEqualTo("three");
    assertThat(primaryBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(primary.reads()).isPositive();
  }

  @Test
  void aCorruptCopyIsReadFromTheNextReplica() throws Exception {
    Archive.Located located = Archive.open(primaryData, 4, ReaderLimits.DEFAULTS).locate("3", DAY);
    byte[] shard = primaryData.open(located.shard().path()).readAllBytes();
    shard[(int) located.entry().offset()] ^= 1;
    primaryData.putReplace(located.shard().path(), shard);
    assertThat(read(source(1000), "3")).isEqualTo("three");
  }

  @Test
  void aSpentZoneBudgetIsBackpressureNotAQueue() throws Exception {
    ZonedArchiveSource source = source(2);
    read(source, "3");
    read(source, "3");
    assertThatThrownBy(() -> read(source, "3"))
        .isInstanceOf(ZonedArchiveSource.BackpressureException.class)
        .hasMessage("Zone a is at its request limit");
  }

  @Test
  void aShardIndexInAGapIsNotFound() throws Exception {
    assertThatThrownBy(() -> read(source(1000), "9"))
        .isInstanceOf(EntryNotFoundException.class)
        .hasMessage("No S3 zone configured for shard index 9");
  }

  @Test
  void whenEveryReplicaFailsTheZoneIsUnavailable() throws Exception {
    primary.failNextReads(1_000);
    secondary.failNextReads(1_000);
    assertThatThrownBy(() -> read(source(1000), "3"))
        .isInstanceOf(ZonedArchiveSource.ZoneUnavailableException.class)
        .hasMessageStartingWith("No replica of zone a is available: Injected read failure");
  }
}
