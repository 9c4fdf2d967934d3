package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.routing.CreatedAt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole fleet as separate processes: 10,000 files dropped into a landing folder go through one
 * coordinator and two workers into shards on S3, and every one of them reads back through the
 * retriever, exactly once, with the right bytes; the landing folder ends empty.
 */
class FleetEndToEndTest {
  private static final int FILES = 10_000;
  private static final Instant FIRST = Instant.parse("2024-01-01T00:00:00Z");

  @TempDir static Path tmp;
  private static Fleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = new Fleet(Path.of("target", "fleet-logs", "end-to-end"));
  }

  @AfterAll
  static void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** Deterministic content: text for even numbers, random bytes for odd ones, 0 to 4 KiB. */
  static byte[] content(int i) {
    Random random = new Random(i);
    if (i % 2 == 0) {
      return ("record " + i + " of the landing test; ").repeat(random.nextInt(120)).getBytes(StandardCharsets.UTF_8);
    }
    byte[] bytes = new byte[random.nextInt(4096)];
    random.nextBytes(bytes);
    return bytes;
  }

  static String uid(int i) {
    return String.format("doc-%05d.bin", i);
  }

  /** Spread over about two days, so that files land in 2 date folders and many shard keys. */
  static Instant createdAt(int i) {
    return FIRST.plusSeconds(17L * i);
  }

  /**
   * Drops files {@code from} to {@code to} into the landing folder as a producer should: each is
   * written and dated beside it, then renamed in, so a scan never sees one half-written (the
   * fleets here run with no settle time, {@code des.coordinator.settle=0s}).
   */
  static void land(Path landing, int from, int to) throws Exception {
    Path files = Files.createDirectories(landing.resolve("files"));
    Path staging = Files.createDirectories(landing.resolve("staging"));
    for (int i = from; i < to; i++) {
      Path p = staging.resolve(uid(i));
      Files.write(p, content(i));
      Files.setLastModifiedTime(p, FileTime.from(createdAt(i)));
      Files.move(p, files.resolve(uid(i)), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  @Test
  void tenThousandFilesGoThroughTwoWorkersAndReadBackExactlyOnce() throws Exception {
    Path landing = tmp.resolve("landing");
    land(landing, 0, FILES);

    AppProcess retriever = fleet.retriever();
    AppProcess coordinator = fleet.coordinator("coordinator", landing);
    AppProcess w1 = fleet.worker("worker-1");
    AppProcess w2 = fleet.worker("worker-2");
    Fleet.awaitHealthy(Duration.ofMinutes(3), retriever, coordinator, w1, w2);

    awaitLandingEmpty(landing, Duration.ofMinutes(4), coordinator, w1, w2);

    String status = coordinator.get("/status");
    assertThat(status).contains("\"leader\":true").contains("\"failed\":0");
    ReadBack.throughTheRetriever(retriever, FILES, i -> CreatedAt.of(createdAt(i)));
    ReadBack.eachInExactlyOneLiveShard(fleet, FILES, i -> CreatedAt.of(createdAt(i)));
    assertThat(w1.log()).as("worker-1 finished jobs").contains(": DONE in ");
    assertThat(w2.log()).as("worker-2 finished jobs").contains(": DONE in ");
  }

  static void awaitLandingEmpty(Path landing, Duration timeout, AppProcess... apps) throws Exception {
    Fleet.awaitNoneLeft("files still in the landing folder", timeout, () -> {
      try (Stream<Path> files = Files.list(landing.resolve("files"))) {
        return files.count();
      }
    }, apps);
  }
}
