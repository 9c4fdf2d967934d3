package io.des.cli;

import io.des.archive.Archive;
import io.des.format.ShardVerifier;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.verify.BulkVerifier;
import io.des.verify.VerificationListener;
import io.des.verify.VerificationStore;
import io.des.verify.VerifyScope;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code des verify}: checks shards completely and reports as it goes; exit 1 when anything is
 * corrupt. Results are printed (and recorded) shard by shard, never collected: memory does not grow
 * with the number of shards.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = {
    "Checks the live shards: header, footer, seal, index, every entry decoded, every checksum.",
    "Without SHARD, --date, --key or --prefix, checks every live shard of the store (as --all).",
    "Exit status 1 if anything is corrupt."})
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(arity = "0..*", paramLabel = "SHARD", description = "Shard names to check (live or not).")
  List<String> shards = new ArrayList<>();

  @Option(names = "--all", description = "Check every live shard of the store (the default).") boolean all;
  @Option(names = "--date", paramLabel = "YYYYMMDD", description = "Check the live shards of one day.") String date;
  @Option(names = "--prefix", paramLabel = "DIGITS", description = "Check the live shards of the days starting with these digits (202405: May 2024).") String prefix;
  @Option(names = "--key", paramLabel = "YYYYMMDD_HEX", description = "Check the live shards of one shard key.") String key;
  @Option(names = "--parallel", paramLabel = "N", description = "Shards checked at once (default: ${DEFAULT-VALUE}).") int parallel = defaultParallel();
  @Option(names = "--record", description = "Record each shard's result in the store (_verify/), for the fleet's coordinator.") boolean record;
  @Option(names = "--json", description = "Print a JSON report instead of text.") boolean json;
  @Option(names = "--no-progress", description = "Do not print progress.") boolean noProgress;
  @Option(names = {"-v", "--verbose"}, description = "List every shard, not only corrupt ones.") boolean verbose;

  private static int defaultParallel() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    VerifyScope scope;
    try {
      scope = scope();
    } catch (IllegalArgumentException e) {
      err.println("des verify: " + e.getMessage());
      return DesCommand.BAD_INPUT;
    }
    try (BlobStore blobs = store.openStore()) {
      Archive archive = store.openArchive(blobs);
      Progress progress = new Progress(err, "verifying", "shards", !noProgress && !json);
      Report report = json ? new JsonReport(out, blobs.describe()) : new TextReport(out, verbose);
      BulkVerifier verifier = new BulkVerifier(archive, parallel, new VerificationListener() {
        @Override
        public void shardFound(String shard, long size) {
          progress.planned(1, size);
        }

        @Override
        public void shardChecked(ShardVerifier.Result result) {
          progress.step(Math.max(result.size(), 0));
          report.shard(result);
        }
      });
      if (record) {
        verifier = verifier.recordingTo(new VerificationStore(blobs), Clock.systemUTC());
      }
      BulkVerifier.Summary summary = verifier.verify(scope);
      progress.finish();
      report.summary(summary);
      return summary.ok() ? DesCommand.OK : DesCommand.FAILED;
    }
  }

  private VerifyScope scope() {
    int given = (shards.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (date != null ? 1 : 0) + (prefix != null ? 1 : 0) + (key != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException("Give one of SHARD..., --all, --date, --prefix or --key");
    }
    if (parallel < 1) {
      throw new IllegalArgumentException("--parallel must be at least 1, got " + parallel);
    }
    if (!shards.isEmpty()) {
      return VerifyScope.shards(shards);
    }
    if (date != null) {
      return VerifyScope.day(date);
    }
    if (prefix != null) {
      return VerifyScope.datePrefix(prefix);
    }
    return key != null ? VerifyScope.key(ShardKey.parse(key)) : VerifyScope.all();
  }

  /** Where results go, one shard at a time (from the verifying threads), then the summary. */
  private interface Report {
    void shard(ShardVerifier.Result result);

    void summary(BulkVerifier.Summary summary);
  }

  private static final class TextReport implements Report {
    private final PrintWriter out;
    private final boolean verbose;

    TextReport(PrintWriter out, boolean verbose) {
      this.out = out;
      this.verbose = verbose;
    }

    @Override
    public synchronized void shard(ShardVerifier.Result r) {
      if (r.ok() && !verbose) {
        return;
      }
      out.printf("%s %s: %,d/%,d entries verified, %,d bytes%s%n", r.ok() ? "OK     " : "CORRUPT", r.shard(), r.verified(), r.entries(), r.size(),
          r.sealed() || r.version() == 0 ? "" : ", unsealed (upstream; no checksums)");
      for (ShardVerifier.Problem p : r.problems()) {
        out.printf("        %s%n", p.message());
      }
    }

    @Override
    public void summary(BulkVerifier.Summary s) {
      out.printf("%d shard(s) checked, %d corrupt; %,d of %,d entries verified.%n", s.shards(), s.corruptShards(), s.verifiedEntries(), s.entries());
    }
  }

  /** {@code {"store", "results": [...], then the counts}}, written as results arrive. */
  private static final class JsonReport implements Report {
    private final JsonGenerator json;

    private final PrintWriter out;

    JsonReport(PrintWriter out, String store) {
      this.out = out;
      this.json = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build().writerWithDefaultPrettyPrinter().createGenerator(out);
      json.writeStartObject();
      json.writeStringProperty("store", store);
      json.writeName("results");
      json.writeStartArray();
    }

    @Override
    public synchronized void shard(ShardVerifier.Result r) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("shard", r.shard());
      result.put("ok", r.ok());
      result.put("size", r.size());
      result.put("version", r.version());
      result.put("sealed", r.sealed());
      result.put("entries", r.entries());
      result.put("verified", r.verified());
      result.put("content_bytes", r.contentBytes());
      result.put("problems", r.problems().stream().map(p -> {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("uid", p.uid());
        problem.put("message", p.message());
        return problem;
      }).toList());
      json.writePOJO(result);
      json.flush();
    }

    @Override
    public void summary(BulkVerifier.Summary s) {
      json.writeEndArray();
      json.writeNumberProperty("shards", s.shards());
      json.writeNumberProperty("corrupt_shards", s.corruptShards());
      json.writeNumberProperty("entries", s.entries());
      json.writeNumberProperty("verified_entries", s.verifiedEntries());
      json.writeNumberProperty("bytes", s.bytes());
      json.writeEndObject();
      json.close();
      out.println();
    }
  }
}
