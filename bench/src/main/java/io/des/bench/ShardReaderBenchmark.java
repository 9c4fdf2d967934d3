package io.des.bench;

import io.des.codec.Codec;
import io.des.format.EncodedEntry;
import io.des.format.ReaderLimits;
import io.des.format.ShardReader;
import io.des.format.ShardWriter;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.BlobUpload;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Reads from a shard of 1,000 8 KiB text records (zstd-3 compressed, or stored raw) with {@link
 * ShardReader}, from an {@link InMemoryBlobStore} or a {@link LocalBlobStore} in a temporary folder
 * (page cache, not the disk, after the first read). {@code readRandomEntry}: one random entry
 * through an open reader (ranged read, decode, CRC-32C check). {@code openAndReadEntry}: open the shard (tail read,
 * seal and index checks, index parse) and read one random entry, the cost of a read without an
 * index cache. Scores are microseconds per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class ShardReaderBenchmark {
  private static final BlobPath SHARD = BlobPath.of("des/20240101_A5_0000.des");

  @Param({"memory", "local"})
  public String store;

  /** How the payloads are stored: zstd (level 3) or none. */
  @Param({"zstd", "none"})
  public String codec;

  private BlobStore blobs;
  private Path folder;
  private ShardReader reader;
  private String[] uids;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (store.equals("memory")) {
      blobs = new InMemoryBlobStore();
    } else {
      folder = Files.createTempDirectory("des-bench-reader");
      blobs = new LocalBlobStore(folder);
    }
    EncodedEntry[] entries = ShardWriterBenchmark.encode(Codec.fromLabel(codec));
    try (BlobUpload upload = blobs.createExclusive(SHARD)) {
      ShardWriter writer = ShardWriter.to(upload.out(), SHARD.name(), 5);
      for (EncodedEntry entry : entries) {
        writer.add(entry);
      }
      writer.finish();
      upload.commit();
    }
    uids = new String[entries.length];
    for (int i = 0; i < entries.length; i++) {
      uids[i] = entries[i].uid();
    }
    reader = ShardReader.open(blobs, SHARD, ReaderLimits.DEFAULTS);
    byte[] first = reader.read(uids[0]);
    if (first.length != ShardWriterBenchmark.ENTRY_SIZE) {
      throw new IllegalStateException("read " + first.length + " bytes, expected " + ShardWriterBenchmark.ENTRY_SIZE);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    blobs.close();
    BenchData.deleteTree(folder);
  }

  @Benchmark
  public byte[] readRandomEntry() throws IOException {
    return reader.read(uids[random.nextInt(uids.length)]);
  }

  @Benchmark
  public byte[] openAndReadEntry() throws IOException {
    return ShardReader.open(blobs, SHARD, ReaderLimits.DEFAULTS).read(uids[random.nextInt(uids.length)]);
  }
}
