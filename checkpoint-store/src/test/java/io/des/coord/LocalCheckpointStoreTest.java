package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCheckpointStoreTest extends CheckpointStoreContract {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  @Override
  protected CheckpointStore newStore(int maxStateBytes, Duration tombstoneRetention) {
    return new LocalCheckpointStore(dir, maxStateBytes, tombstoneRetention, clock);
  }

  @Override
  protected void passTime(Duration time) {
    clock.advance(time);
  }

  @Override
  protected Instant now() {
    return clock.instant();
  }

  @Test
  void restartedStoreResumesFromTheDirectory() {
    store.save(job, 12, bytes("halfway"));
    store.delete(job + "-done", 3);

    LocalCheckpointStore restarted = new LocalCheckpointStore(dir);

    Checkpoint loaded = restarted.load(job).orElseThrow();
    assertThat(loaded.fence()).isEqualTo(12);
    assertThat(loaded.state()).isEqualTo(bytes("halfway"));
    assertThat(loaded.savedAt()).isEqualTo(clock.instant());
    assertThatThrownBy(() -> restarted.save(job + "-done", 2, bytes("late"))).isInstanceOf(FencedOutException.class);
  }

  @Test
  void openingRemovesTemporaryFilesAndExpiredTombstones() throws IOException {
    store.save(job + "-live", 1, bytes("live"));
    store.delete(job + "-old", 1);
    clock.advance(CheckpointStore.DEFAULT_TOMBSTONE_RETENTION.plusMillis(1));
    store.delete(job + "-recent", 1);
    Files.write(dir.resolve("crashed.ckpt.tmp"), bytes("half a checkpoint"));

    newStore(CheckpointStore.DEFAULT_MAX_STATE_BYTES, CheckpointStore.DEFAULT_TOMBSTONE_RETENTION);

    assertThat(fileNames()).containsExactlyInAnyOrder(
        CheckpointFile.fileName(job + "-live"), CheckpointFile.fileName(job + "-recent"));
  }

  @Test
  void jobIdBecomesOneSafeFileName() throws IOException {
    store.save("../etc/x y", 1, bytes("outside?"));

    assertThat(fileNames()).containsExactly("%2E%2E%2Fetc%2Fx%20y.ckpt");
    assertThat(store.load("../etc/x y").orElseThrow().state()).isEqualTo(bytes("outside?"));
  }

  @Test
  void tooLongJobIdIsRefused() {
    String id = "j".repeat(241);

    assertThatThrownBy(() -> store.save(id, 1, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Job id is too long for a checkpoint file name (241 > 240 encoded): " + id);
  }

  @Test
  void flippedByteFailsWithTheFileAndTheChecksums() throws IOException {
    store.save(job, 1, bytes("state"));
    Path file = dir.resolve(CheckpointFile.fileName(job));
    byte[] bytes = Files.readAllBytes(file);
    bytes[CheckpointFile.STATE_OFFSET] ^= 1;
    Files.write(file, bytes);

    assertThatThrownBy(() -> store.load(job))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageStartingWith("Corrupt checkpoint of job " + job + " in " + file + ": expected CRC-32C ")
        .hasMessageMatching(".*expected CRC-32C [0-9a-f]{8}, computed [0-9a-f]{8}");
  }

  @Test
  void wrongMagicVersionAndLengthFailPrecisely() throws IOException {
    store.save(job, 1, bytes("state"));
    Path file = dir.resolve(CheckpointFile.fileName(job));
    byte[] good = Files.readAllBytes(file);

    assertCorrupt(file, with(good, CheckpointFile.MAGIC_OFFSET, (byte) 'X'), "expected magic DCKP, found 0x58434b50");
    assertCorrupt(file, with(good, CheckpointFile.VERSION_OFFSET, (byte) 9), "expected version 1, found 9");
    assertCorrupt(file, with(good, CheckpointFile.KIND_OFFSET, (byte) 7), "expected kind 0 or 1, found 7");
    assertCorrupt(file, with(good, CheckpointFile.STATE_LENGTH_OFFSET + 3, (byte) 6),
        "state length 6 does not match a file of 35 bytes");
    assertCorrupt(file, new byte[3], "file is 3 bytes, shorter than the minimum 30");
  }

  private void assertCorrupt(Path file, byte[] content, String problem) throws IOException {
    Files.write(file, content);
    assertThatThrownBy(() -> store.load(job))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessage("Corrupt checkpoint of job " + job + " in " + file + ": " + problem);
  }

  private static byte[] with(byte[] bytes, int offset, byte value) {
    byte[] changed = bytes.clone();
    changed[offset] = value;
    return changed;
  }

  private Stream<String> fileNamesStream() throws IOException {
    return Files.list(dir).map(p -> p.getFileName().toString());
  }

  private java.util.List<String> fileNames() throws IOException {
    try (Stream<String> names = fileNamesStream()) {
      return names.toList();
    }
  }
}
