package io.des.bench;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.LocalBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the tombstone check costs a read on a local disk: finding a random file of a packed archive
 * (2,000 files, one day, n_bits 8, catalogs and indexes cached after warm-up) with {@code locate},
 * which reads the file's tombstone first, against {@code locateIn}, which does not. The difference
 * is the probe: one failed open of {@code _tombstones/<date>/<hex>/<sha256>.json}. Microseconds per
 * operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class ArchiveLocateBenchmark {
  private static final int FILES = 2_000;
  private static final CreatedAt DAY = CreatedAt.parse("2024-01-01T10:00:00Z");

  private Path folder;
  private Archive archive;
  private String[] uids;
  private ShardKey[] keys;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    folder = Files.createTempDirectory("des-bench-locate");
    Path sources = Files.createDirectories(folder.resolve("sources"));
    List<SourceFile> files = new ArrayList<>();
    uids = new String[FILES];
    for (int i = 0; i < FILES; i++) {
      uids[i] = "doc-" + i;
      Path p = Files.writeString(sources.resolve(uids[i]), "record " + i + " ".repeat(200));
      files.add(new SourceFile(uids[i], DAY, -1, p, uids[i]));
    }
    Archive writer = Archive.create(new LocalBlobStore(folder.resolve("archive")), 8, ReaderLimits.DEFAULTS);
    try (Packer packer = new Packer(writer, PackOptions.defaults(8), PackListener.NONE)) {
      packer.pack(files);
    } catch (io.des.pack.InvalidInputException e) {
      throw new IOException(e);
    }
    archive = Archive.open(new LocalBlobStore(folder.resolve("archive")), null, ReaderLimits.DEFAULTS);
    keys = new ShardKey[FILES];
    for (int i = 0; i < FILES; i++) {
      keys[i] = archive.router().route(uids[i], DAY);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    BenchData.deleteTree(folder);
  }

  @Benchmark
  public Object locateCheckingTheTombstone() throws IOException {
    return archive.locate(uids[random.nextInt(FILES)], DAY);
  }

  @Benchmark
  public Object locateWithoutTombstoneCheck() throws IOException {
    int i = random.nextInt(FILES);
    return archive.locateIn(keys[i], uids[i]).orElseThrow();
  }
}
