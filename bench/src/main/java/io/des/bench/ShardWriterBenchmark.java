package io.des.bench;

import io.des.codec.Codec;
import io.des.codec.Compressors;
import io.des.format.EncodedEntry;
import io.des.format.ShardSummary;
import io.des.format.ShardWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writes one shard of 1,000 entries of 8 KiB text records to an in-memory stream with {@link
 * ShardWriter}: header, payloads, per-entry meta JSON (crc32c, created_at), index, seal, footer.
 * Entries are encoded in setup (checksum computed, payload zstd-3 compressed or stored raw), so
 * the score is the writer's own cost per shard, not compression. One operation = one shard.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class ShardWriterBenchmark {
  static final int ENTRIES = 1_000;
  static final int ENTRY_SIZE = 8 * 1024;

  /** How the payloads are stored: zstd (level 3) or none. */
  @Param({"zstd", "none"})
  public String codec;

  private EncodedEntry[] entries;
  private ByteArrayOutputStream out;

  @Setup(Level.Trial)
  public void setUp() {
    entries = encode(Codec.fromLabel(codec));
    long total = 0;
    for (EncodedEntry e : entries) {
      total += e.storedLength();
    }
    out = new ByteArrayOutputStream((int) total + 256 * 1024);
  }

  /** 1,000 entries of distinct 8 KiB records, uids like the dataset's, encoded with {@code codec}. */
  static EncodedEntry[] encode(Codec codec) {
    byte[][] records = BenchData.records(ENTRIES, ENTRY_SIZE);
    EncodedEntry[] encoded = new EncodedEntry[ENTRIES];
    for (int i = 0; i < ENTRIES; i++) {
      byte[] content = records[i];
      CRC32C crc = new CRC32C();
      crc.update(content, 0, content.length);
      byte[] stored = codec == Codec.NONE ? content : Compressors.compress(codec, 3, content, 0, content.length);
      String uid = String.format(Locale.ROOT, "d%02d/events-%06d.json", i % 100, i);
      String createdAt = String.format(Locale.ROOT, "2024-01-0%dT%02d:%02d:%02dZ", 1 + i % 7, i % 24, i % 60, (i * 7) % 60);
      encoded[i] = new EncodedEntry(uid, codec, stored, 0, stored.length, content.length, crc.getValue(), createdAt, null);
    }
    return encoded;
  }

  @Benchmark
  public ShardSummary writeShard() throws IOException {
    out.reset();
    ShardWriter writer = ShardWriter.to(out, "bench.des", 5);
    for (EncodedEntry entry : entries) {
      writer.add(entry);
    }
    return writer.finish();
  }
}
