package io.des.bench;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.PackReport;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.repack.RepackListener;
import io.des.repack.RepackOptions;
import io.des.repack.Repacker;
import io.des.repack.ShardRepack;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.storage.InMemoryBlobStore;
import io.des.storage.LocalBlobStore;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.Tombstone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Repack of one shard against packing the same files from scratch, in one sitting: the dataset
 * generator's files (realistic mix, compressible text and incompressible binaries) all routed to
 * one shard key, packed by {@link Packer} into a fresh local store, 10% of them tombstoned, then the
 * shard repacked by {@link Repacker} (copy with a decode and checksum check per entry, whole-shard
 * verification, swap). Each run alternates a timed pack and a timed repack; medians are reported.
 *
 * <pre>
 * java -cp bench/target/des-bench.jar io.des.bench.RepackVsPack [--files 10000] [--runs 5] [--work DIR] [--store local|memory]
 * </pre>
 */
public final class RepackVsPack {
  private static final ShardKey KEY = new ShardKey("20240103", "0");
  private static final CreatedAt DAY = CreatedAt.parse("2024-01-03T12:00:00Z");

  private RepackVsPack() {}

  public static void main(String[] args) throws Exception {
    int files = 10_000;
    int runs = 5;
    Path work = Path.of("bench/out/work/repack-vs-pack");
    String storeKind = "local";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--work" -> work = Path.of(args[++i]);
        case "--store" -> storeKind = args[++i];
        default -> throw new IllegalArgumentException("Unknown argument " + args[i] + " (--files N, --runs N, --work DIR, --store local|memory)");
      }
    }
    BenchData.deleteTree(work);
    Path data = work.resolve("data");
    new DatasetGenerator(42).generate(data, files, 2, null);
    List<SourceFile> sources = sources(data);
    long contentBytes = sources.stream().mapToLong(s -> s.declaredSize()).sum();
    System.out.printf(Locale.ROOT, "# RepackVsPack: %,d files, %,.1f MB of content, one shard key, 10%% tombstoned, " + storeKind + " store; nproc %d, %s, load %s%n",
        sources.size(), contentBytes / 1e6, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), load());
    System.out.println("run\tpack_s\trepack_s\tpack_cpu_s\trepack_cpu_s\tclaim_s\twrite_s\tverify_s\tswap_s\tshard_bytes\tkept\tdropped");
    double[] pack = new double[runs];
    double[] repack = new double[runs];
    double[] packCpu = new double[runs];
    double[] repackCpu = new double[runs];
    long shardBytes = 0;
    for (int run = 0; run < runs + 1; run++) { // run 0 warms the JIT and is not counted
      Path storeDir = work.resolve("store");
      BenchData.deleteTree(storeDir);
      BlobStore store = storeKind.equals("memory") ? new InMemoryBlobStore() : new LocalBlobStore(storeDir);
      Archive archive = Archive.create(store, 4, ReaderLimits.DEFAULTS);
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      PackReport packed;
      try (Packer packer = new Packer(archive, PackOptions.defaults(4), PackListener.NONE)) {
        packed = packer.pack(sources);
      }
      long t1 = System.nanoTime();
      long c1 = cpuNanos();
      if (packed.shards().size() != 1) {
        throw new IllegalStateException("Expected one shard, got " + packed.shards());
      }
      Instant now = Instant.now();
      for (int i = 0; i < sources.size(); i += 10) {
        archive.tombstones().add(new Tombstone(KEY, sources.get(i).uid(), DAY.toIso(), now, "bench", DeletionReason.GDPR, null, now.plusSeconds(3600)));
      }
      Repacker repacker = new Repacker(archive, RepackOptions.defaults().withGrace(Duration.ZERO), Clock.systemUTC());
      long c2 = cpuNanos();
      long t2 = System.nanoTime();
      long[] phases = new long[RepackListener.Phase.values().length];
      ShardRepack r = repacker.repack(KEY, packed.shards().get(0), 1, (k, s, phase) -> phases[phase.ordinal()] = System.nanoTime());
      long t3 = System.nanoTime();
      long c3 = cpuNanos();
      shardBytes = r.bytesBefore();
      System.out.printf(Locale.ROOT, "%d%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d%n", run, run == 0 ? " (warm-up)" : "",
          (t1 - t0) / 1e9, (t3 - t2) / 1e9, (c1 - c0) / 1e9, (c3 - c2) / 1e9, (phases[0] - t2) / 1e9, (phases[1] - phases[0]) / 1e9, (phases[2] - phases[1]) / 1e9,
          (phases[3] - phases[2]) / 1e9, r.bytesBefore(), r.kept(), r.dropped());
      if (run > 0) {
        pack[run - 1] = (t1 - t0) / 1e9;
        repack[run - 1] = (t3 - t2) / 1e9;
        packCpu[run - 1] = (c1 - c0) / 1e9;
        repackCpu[run - 1] = (c3 - c2) / 1e9;
      }
    }
    double p = median(pack), q = median(repack);
    System.out.printf(Locale.ROOT, "pack:   median %.3f s  %,.1f MB/s of content  %,.0f entries/s%n", p, contentBytes / 1e6 / p, sources.size() / p);
    System.out.printf(Locale.ROOT, "repack: median %.3f s  %,.1f MB/s of content  %,.1f MB/s of shard  %,.0f entries/s%n",
        q, contentBytes / 1e6 / q, shardBytes / 1e6 / q, sources.size() / q);
    System.out.printf(Locale.ROOT, "cpu:    median pack %.3f s, repack %.3f s: repack uses %.2fx less CPU (process CPU time, all threads, GC included)%n",
        median(packCpu), median(repackCpu), median(packCpu) / median(repackCpu));
    System.out.printf(Locale.ROOT, "repack is %.2fx faster than packing from scratch (median over %d runs; load now %s)%n", p / q, runs, load());
  }

  /** The generated files in path order, uids 0, 16, 32, ... so that with n_bits 4 all route to shard 0. */
  private static List<SourceFile> sources(Path data) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(data)) {
      paths = walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList();
    }
    List<SourceFile> sources = new ArrayList<>(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      sources.add(SourceFile.scanned(Integer.toString(16 * i), DAY, Files.size(paths.get(i)), paths.get(i)));
    }
    return sources;
  }

  /** CPU time of the whole process: robust to other processes sharing the machine, unlike wall time. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

}
