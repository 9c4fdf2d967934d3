package io.des.cli;

import io.des.catalog.ShardName;
import io.des.format.ReaderLimits;
import io.des.format.ShardVerifier;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.json.JsonMapper;

/** {@code des verify}: checks shards completely and reports; exit 1 when anything is corrupt. */
@Command(name = "verify", mixinStandardHelpOptions = true, description = {
    "Checks shards: header, footer, seal, index, every entry decoded, every checksum.",
    "Without SHARD or --date/--key, checks every shard in the store. Exit status 1 if anything is corrupt."})
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(arity = "0..*", paramLabel = "SHARD", description = "Shard names to check.")
  List<String> shards = new ArrayList<>();

  @Option(names = "--date", paramLabel = "YYYYMMDD", description = "Check the shards of one day.") String date;
  @Option(names = "--key", paramLabel = "YYYYMMDD_HEX", description = "Check the shards of one shard key.") String key;
  @Option(names = "--json", description = "Print a JSON report instead of text.") boolean json;
  @Option(names = "--no-progress", description = "Do not print progress.") boolean noProgress;
  @Option(names = {"-v", "--verbose"}, description = "List every shard, not only corrupt ones.") boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BlobStore blobs = store.openStore()) {
      List<BlobInfo> targets = targets(blobs);
      Progress progress = new Progress(err, "verifying", !noProgress && !json);
      progress.planned(targets.size(), targets.stream().mapToLong(BlobInfo::size).sum());
      List<ShardVerifier.Result> results = new ArrayList<>();
      for (BlobInfo t : targets) {
        results.add(ShardVerifier.verify(blobs, t.path(), ReaderLimits.DEFAULTS));
        progress.step(t.size());
      }
      progress.finish();
      long corrupt = results.stream().filter(r -> !r.ok()).count();
      long entries = results.stream().mapToLong(ShardVerifier.Result::entries).sum();
      long verified = results.stream().mapToLong(ShardVerifier.Result::verified).sum();
      if (json) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("store", blobs.describe());
        report.put("shards", results.size());
        report.put("corrupt_shards", corrupt);
        report.put("entries", entries);
        report.put("verified_entries", verified);
        report.put("results", results);
        out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } else {
        for (ShardVerifier.Result r : results) {
          if (r.ok() && !verbose) {
            continue;
          }
          out.printf("%s %s: %,d/%,d entries verified, %,d bytes%s%n", r.ok() ? "OK     " : "CORRUPT", r.shard(), r.verified(), r.entries(), r.size(),
              r.sealed() ? "" : (r.version() == 0 ? "" : ", unsealed (upstream; no checksums)"));
          for (ShardVerifier.Problem p : r.problems()) {
            out.printf("        %s%n", p.message());
          }
        }
        out.printf("%d shard(s) checked, %d corrupt; %,d of %,d entries verified.%n", results.size(), corrupt, verified, entries);
      }
      return corrupt == 0 ? DesCommand.OK : DesCommand.FAILED;
    }
  }

  private List<BlobInfo> targets(BlobStore blobs) throws Exception {
    List<BlobInfo> found = new ArrayList<>();
    if (!shards.isEmpty()) {
      for (String s : shards) {
        BlobPath path = BlobPath.of(s);
        found.add(blobs.stat(path).orElseThrow(() -> new java.io.FileNotFoundException("No shard " + s + " in " + blobs.describe())));
      }
      return found;
    }
    String prefix = key != null ? key + "_" : date != null ? date + "_" : "";
    try (Stream<BlobInfo> listing = blobs.list(prefix)) {
      listing.filter(i -> !i.path().key().contains("/") && ShardName.parse(i.path().key()).isPresent()).forEach(found::add);
    }
    return found;
  }
}
