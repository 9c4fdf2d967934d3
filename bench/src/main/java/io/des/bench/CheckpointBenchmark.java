package io.des.bench;

import io.des.codec.Codec;
import io.des.coord.CheckpointStore;
import io.des.coord.LocalCheckpointStore;
import io.des.coord.RedisCoordination;
import io.des.format.EncodedEntry;
import io.des.format.ShardWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one checkpoint: a worker's save of its job's state, fenced by the store, as a job
 * that spans several upload parts makes one after each part. The state is what the worker saves:
 * the shard writer's snapshot (its index so far, Base64 in JSON) after {@code entries} entries, so
 * it grows with the shard (about 160 bytes per entry of the dataset's kind). {@code redis} is the
 * fleet's store ({@code RedisCheckpointStore}: one Lua script, one round trip, on the redis-server
 * at {@code -Ddes.redis=redis://127.0.0.1:6379}); {@code local} is the one-machine store (a file
 * written, fsynced and renamed). One operation = one save.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class CheckpointBenchmark {
  /** Where the checkpoint goes. */
  @Param({"redis", "local"})
  public String store;

  /** Entries in the shard so far (a part of 8 MiB holds about 1,000 of the dataset's median file). */
  @Param({"100", "1000", "10000"})
  public int entries;

  private CheckpointStore checkpoints;
  private RedisCoordination redis;
  private Path folder;
  private byte[] state;
  private long fence;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    state = state(entries);
    if (store.equals("redis")) {
      String address = System.getProperty("des.redis", "redis://127.0.0.1:6379");
      redis = RedisCoordination.connect(address, "des-jmh-" + System.nanoTime() + ":", Duration.ofSeconds(30));
      checkpoints = redis.checkpoints();
    } else {
      folder = Files.createTempDirectory("des-jmh-checkpoints");
      checkpoints = new LocalCheckpointStore(folder);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (redis != null) {
      checkpoints.delete("bench-job", fence);
      redis.close();
    }
    BenchData.deleteTree(folder);
  }

  @Benchmark
  public void save() {
    checkpoints.save("bench-job", ++fence, state);
  }

  /** A job's state after {@code n} entries, in the form and size a worker saves it. */
  static byte[] state(int n) throws IOException {
    ByteArrayOutputStream shard = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(shard, "20240101_A7_0001.des", 8);
    byte[] content = "x".repeat(64).getBytes(StandardCharsets.US_ASCII);
    CRC32C crc = new CRC32C();
    crc.update(content);
    for (int i = 0; i < n; i++) {
      String uid = String.format(Locale.ROOT, "d%02d/events-%06d.json", i % 100, i);
      String createdAt = String.format(Locale.ROOT, "2024-01-01T%02d:%02d:%02dZ", i % 24, i % 60, (i * 7) % 60);
      writer.add(new EncodedEntry(uid, Codec.NONE, content, 0, content.length, content.length, crc.getValue(), createdAt, null));
    }
    ShardWriter.Snapshot s = writer.snapshot();
    // The packer's checkpoint (PackCheckpoint), embedded in the worker's JobProgress (docs/fleet.md).
    String pack = "{\"format\":1,\"shard\":\"20240101_A7_0001.des\",\"upload_length\":" + s.position()
        + ",\"upload_token\":\"2~" + "u".repeat(48) + "\",\"position\":" + s.position() + ",\"entries\":" + s.entries()
        + ",\"big_files\":0,\"content_bytes\":" + s.contentBytes() + ",\"stored_bytes\":" + s.storedBytes()
        + ",\"index\":\"" + Base64.getEncoder().encodeToString(s.index()) + "\"}";
    String json = "{\"phase\":\"PACKING\",\"shards\":[],\"packed\":0,\"skipped\":0,\"rejected\":{},\"pack\":" + pack + "}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
