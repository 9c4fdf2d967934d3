package io.des.bench;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.routing.CreatedAt;
import io.des.storage.LocalBlobStore;
import io.des.storage.RetryingBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The retriever's read of a file on a local store without HTTP: {@code Archive.locate} (route,
 * tombstone probe, catalog, index) and the entry's read (one {@code pread} of a shard kept open,
 * decode, checksum), for random files of the packed 100,000-file dataset, from two threads as the
 * retriever's two event loops read. The store is built as the retriever builds it (open shard
 * files, the retry layer). Needs the archive and file list that {@code bench/read-vs-nginx.sh}
 * leaves: {@code -Ddes.store=bench/out/work-read/store -Ddes.files=bench/out/work-read/files.tsv}
 * (the defaults, relative to the checkout). Operations per second, both threads together.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(2)
public class ArchiveReadBenchmark {

  /** The archive and the files, shared by the threads as the retriever's event loops share them. */
  @State(Scope.Benchmark)
  public static class Store {
    Archive archive;
    String[] uids;
    CreatedAt[] dates;
    private LocalBlobStore local;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      Path store = Path.of(System.getProperty("des.store", "bench/out/work-read/store"));
      Path files = Path.of(System.getProperty("des.files", "bench/out/work-read/files.tsv"));
      if (!Files.isDirectory(store) || !Files.isRegularFile(files)) {
        throw new IllegalStateException("Run bench/read-vs-nginx.sh once first, or set -Ddes.store and -Ddes.files: "
            + store.toAbsolutePath() + ", " + files.toAbsolutePath());
      }
      List<String> lines = Files.readAllLines(files);
      uids = new String[lines.size()];
      dates = new CreatedAt[lines.size()];
      for (int i = 0; i < lines.size(); i++) {
        String[] cols = lines.get(i).split("\t");
        uids[i] = cols[0];
        dates[i] = CreatedAt.parse(cols[1]);
      }
      // As the retriever's defaults: 4,096 files open for up to 60 s each, 3 attempts per read.
      local = new LocalBlobStore(store).keepingFilesOpen(4096, Duration.ofSeconds(60));
      archive = Archive.open(new RetryingBlobStore(local, 3, Duration.ofMillis(50)), null, ReaderLimits.DEFAULTS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      local.close();
    }
  }

  /** Each thread's own sequence of random files. */
  @State(Scope.Thread)
  public static class Picks {
    final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
  }

  @Benchmark
  public byte[] locateAndRead(Store s, Picks p) throws IOException {
    int i = p.random.nextInt(s.uids.length);
    Archive.Located at = s.archive.locate(s.uids[i], s.dates[i]);
    return at.shard().read(at.entry());
  }
}
