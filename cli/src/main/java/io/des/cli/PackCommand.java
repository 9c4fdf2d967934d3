package io.des.cli;

import io.des.archive.Archive;
import io.des.codec.Codec;
import io.des.codec.CompressionPolicy;
import io.des.format.ReaderLimits;
import io.des.pack.FolderScanner;
import io.des.pack.InputProblem;
import io.des.pack.InputProblems;
import io.des.pack.InvalidInputException;
import io.des.pack.ManifestReader;
import io.des.pack.PackOptions;
import io.des.pack.PackPlanner;
import io.des.pack.PackReport;
import io.des.pack.SourceSink;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.storage.BlobStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code des pack}: a folder tree or a manifest into shards. Accepts upstream des-pack's flags too. */
@Command(
    name = "pack",
    mixinStandardHelpOptions = true,
    description = {
      "Packs files into shards in a store. Input is a folder tree (uid = relative path, created_at =",
      "last-modified time) or a manifest (upstream JSON array or CSV with uid, created_at, size_bytes,",
      "source_path). Files already packed are skipped, so a run can be repeated after an interruption."
    })
final class PackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FOLDER", description = "Folder tree to pack.")
  Path folder;

  @Option(names = {"--manifest", "--input-json"}, paramLabel = "FILE", description = "Manifest (.json or .csv) listing the files to pack.")
  Path manifest;

  @Option(names = "--output-dir", paramLabel = "DIR", description = "Upstream spelling of --store for a local folder.")
  Path outputDir;

  @Option(names = "--max-shard-size", paramLabel = "BYTES", defaultValue = "1000000000", description = "Soft limit on a shard's content (default: ${DEFAULT-VALUE}).")
  long maxShardSize;

  @Option(names = "--codec", paramLabel = "none|zstd|lz4", defaultValue = "zstd", description = "Compression codec (default: ${DEFAULT-VALUE}); stored raw when it does not pay.")
  String codec;

  @Option(names = "--level", paramLabel = "N", description = "Compression level (zstd 1-22, default 3; lz4 0-12, default 0: the fast compressor).")
  Integer level;

  @Option(names = "--big-file-threshold", paramLabel = "BYTES", defaultValue = "10485760", description = "Files larger than this go to _bigFiles/<sha256> (default: ${DEFAULT-VALUE}).")
  long bigFileThreshold;

  @Option(names = "--threads", paramLabel = "N", description = "Encoder threads (default: number of cores).")
  Integer threads;

  @Option(names = "--parallel-shards", paramLabel = "N", defaultValue = "4", description = "Shards of different keys written at once (default: ${DEFAULT-VALUE}).")
  int parallelShards;

  @Option(names = "--memory-budget", paramLabel = "BYTES", description = "File content held in memory at once (default: an eighth of the heap, at most 64 MiB).")
  Long memoryBudget;

  @Option(names = "--batch-files", paramLabel = "N", description = {
      "Files planned and packed per batch: memory grows with it, not with the input",
      "(default: about one file per KiB of half the heap, 10,000 to 1,000,000)."})
  Integer batchFiles;

  @Option(names = "--no-progress", description = "Do not print progress.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (outputDir != null) {
      if (store.store != null) {
        err.println("des pack: give either --store or --output-dir, not both");
        return DesCommand.BAD_INPUT;
      }
      store.store = outputDir.toString();
    }
    if ((folder == null) == (manifest == null)) {
      err.println("des pack: give exactly one input: a FOLDER or --manifest FILE");
      return DesCommand.BAD_INPUT;
    }
    CompressionPolicy compression;
    try {
      compression = policy();
    } catch (IllegalArgumentException e) {
      err.println("des pack: " + e.getMessage());
      return DesCommand.BAD_INPUT;
    }
    try (BlobStore blobs = store.openStore()) {
      Archive archive = Archive.create(blobs, store.nBits, ReaderLimits.DEFAULTS);
      int nBits = archive.router().nBits();
      PackOptions options = PackOptions.defaults(nBits)
          .withMaxShardSize(maxShardSize)
          .withBigFileThreshold(bigFileThreshold)
          .withCompression(compression)
          .withParallelShards(parallelShards);
      if (memoryBudget != null) {
        options = options.withMemoryBudget(memoryBudget);
      }
      if (threads != null) {
        options = options.withThreads(threads);
      }
      // A manifest is checked line by line before anything is written, so bad input never leaves
      // half a pack behind. A folder scan cannot produce bad lines; its batches are checked whole.
      if (manifest != null) {
        InputProblems problems = new InputProblems();
        ManifestReader.read(manifest, f -> {
          InputProblem problem = PackPlanner.validate(f, archive.router());
          if (problem != null) {
            problems.add(problem);
          }
        }, problems::add);
        if (problems.count() > 0) {
          err.println("des pack: " + problems.toException().getMessage());
          return DesCommand.BAD_INPUT;
        }
      }
      // Packing goes in batches: memory follows the batch size, not the input size.
      Progress progress = new Progress(err, "packing", !noProgress);
      List<PackReport> reports = new ArrayList<>();
      int perBatch = batchFiles != null ? batchFiles : defaultBatchFiles();
      try (Packer packer = new Packer(archive, options, progress)) {
        List<SourceFile> batch = new ArrayList<>();
        forEachSource(f -> {
          batch.add(f);
          if (batch.size() >= perBatch) {
            reports.add(packBatch(packer, batch));
            batch.clear();
          }
        }, p -> {});
        if (!batch.isEmpty()) {
          reports.add(packBatch(packer, batch));
        }
      } catch (BatchRejected e) {
        progress.finish();
        err.println("des pack: " + e.getCause().getMessage());
        return DesCommand.BAD_INPUT;
      }
      progress.finish();
      printSummary(out, blobs, reports);
      return DesCommand.OK;
    }
  }

  private void forEachSource(SourceSink files, java.util.function.Consumer<InputProblem> problems) throws java.io.IOException {
    if (folder != null) {
      FolderScanner.scan(folder, files);
    } else {
      ManifestReader.read(manifest, files, problems);
    }
  }

  /** An input problem found only when a batch is planned (a duplicate uid, a changed file). */
  private static final class BatchRejected extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    BatchRejected(InvalidInputException cause) {
      super(cause);
    }
  }

  private static PackReport packBatch(Packer packer, List<SourceFile> batch) throws java.io.IOException {
    try {
      return packer.pack(List.copyOf(batch));
    } catch (InvalidInputException e) {
      throw new BatchRejected(e);
    }
  }

  /** About one file per KiB of half the heap: a planned file costs a few hundred bytes. */
  static int defaultBatchFiles() {
    long files = Runtime.getRuntime().maxMemory() / 2 / 1024;
    return (int) Math.max(10_000, Math.min(1_000_000, files));
  }

  private CompressionPolicy policy() {
    Codec c = Codec.fromLabel(codec);
    return switch (c) {
      case NONE -> CompressionPolicy.none();
      case ZSTD -> CompressionPolicy.of(Codec.ZSTD, level == null ? 3 : level);
      case LZ4 -> CompressionPolicy.of(Codec.LZ4, level == null ? 0 : level);
    };
  }

  private static void printSummary(PrintWriter out, BlobStore blobs, List<PackReport> reports) {
    long shards = 0, files = 0, skipped = 0, content = 0, stored = 0, big = 0;
    double seconds = 0;
    List<String> names = new ArrayList<>();
    for (PackReport r : reports) {
      shards += r.shards().size();
      names.addAll(r.shards());
      files += r.files();
      skipped += r.skipped();
      content += r.contentBytes();
      stored += r.storedBytes();
      big += r.bigFiles();
      seconds += r.seconds();
    }
    // Upstream des-pack's lines first, so scripts written for it keep working.
    out.printf("Wrote %d shard(s) containing %d files, total logical size %d bytes.%n", shards, files, content);
    for (String name : names) {
      out.printf("SHARD: %s/%s%n", blobs.describe(), name);
    }
    double ratio = stored == 0 ? 1.0 : (double) content / stored;
    out.printf("Packed %,d files (%,d BigFiles), skipped %,d already packed; %,d bytes in, %,d bytes stored (ratio %.2f) in %.1f s (%.1f MB/s).%n",
        files, big, skipped, content, stored, ratio, seconds, seconds == 0 ? 0 : content / 1e6 / seconds);
  }
}
