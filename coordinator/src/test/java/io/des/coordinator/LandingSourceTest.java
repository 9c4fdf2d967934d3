package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.routing.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A landing folder tells an idle coordinator that something arrived, without waiting for a scan. */
class LandingSourceTest {
  @TempDir Path tmp;

  private static boolean landedWithin(LandingSource source, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (source.landed()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  void aFolderMovedInOrAManifestIsAnArrivalAndEachIsToldOnce() throws Exception {
    Path landing = tmp.resolve("landing");
    LandingSource source = new LandingSource(landing, new Router(8), Duration.ofSeconds(1), Clock.systemUTC());
    assertThat(source.landed()).as("nothing has arrived").isFalse();

    Path staged = Files.createDirectories(tmp.resolve("staged/batch-1"));
    Files.writeString(staged.resolve("a.txt"), "a");
    Files.move(staged, landing.resolve("files/batch-1"));
    assertThat(landedWithin(source, Duration.ofSeconds(5))).isTrue();
    assertThat(landedWithin(source, Duration.ofMillis(300))).as("told once").isFalse();

    Files.writeString(landing.resolve("manifests/m.csv"), "uid,created_at,size_bytes,source_path\n");
    assertThat(landedWithin(source, Duration.ofSeconds(5))).isTrue();

    // Deleting what was packed is not an arrival.
    Files.delete(landing.resolve("files/batch-1/a.txt"));
    Files.delete(landing.resolve("files/batch-1"));
    assertThat(landedWithin(source, Duration.ofMillis(500))).isFalse();
  }

  @Test
  void aClosedSourceStopsWatching() throws Exception {
    Path landing = tmp.resolve("landing");
    LandingSource source = new LandingSource(landing, new Router(8), Duration.ofSeconds(1), Clock.systemUTC());
    source.close();
    Files.createDirectory(landing.resolve("files/batch-1"));
    assertThat(landedWithin(source, Duration.ofMillis(500))).as("no watch left open, and no error").isFalse();
  }
}
