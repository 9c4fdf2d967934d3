package io.des.cli;

import io.des.archive.Archive;
import io.des.catalog.ArchiveKeys;
import io.des.catalog.CatalogConflictException;
import io.des.catalog.CatalogState;
import io.des.repack.RepackListener;
import io.des.repack.RepackOptions;
import io.des.repack.RepackPlan;
import io.des.repack.RepackReport;
import io.des.repack.Repacker;
import io.des.repack.ShardPlan;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.tombstone.TombstoneStore;
import io.des.verify.VerificationRecord;
import io.des.verify.VerificationStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code des repack}: rewrites the shards of a key, a day or the whole archive without their
 * tombstoned (and, from recorded verifications, corrupt) entries, then purges the old versions
 * whose grace period is over (docs/deletion.md). Keys are taken one at a time, in listing order;
 * a key that fails is reported and the others go on.
 */
@Command(name = "repack", mixinStandardHelpOptions = true, description = {
    "Rewrites live shards without their deleted (tombstoned) entries and, with --include-corrupt, without",
    "the corrupt entries of shards that failed a recorded verification (des verify --record); then deletes",
    "the old versions whose grace period is over and records the erasures.",
    "Must not run on a key while a fleet worker packs or repacks it (the fleet repacks by itself).",
    "Exit status 0 done or nothing to do, 1 if a key failed (such as a commit refused by its fencing token)."})
final class RepackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;
  @ArgGroup(exclusive = true, multiplicity = "1") Scope scope;

  @Option(names = "--dry-run", description = "Print what would be done per key; change nothing.") boolean dryRun;
  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "1h", description = {
      "How long an old version stays after its swap before it is deleted (default: ${DEFAULT-VALUE}; 30m, 2d, ISO PT1H).",
      "0s deletes it in the same run: a reader that located a file in it just before may then fail."}) String grace;
  @Option(names = "--min-ratio", paramLabel = "R", defaultValue = "0", description = {
      "Repack only shards whose deleted share of bytes is at least R, 0 to 1 (default: ${DEFAULT-VALUE}: any deleted entry)."})
  double minRatio;
  @Option(names = "--include-corrupt", negatable = true, defaultValue = "true", fallbackValue = "true", description = {
      "Repack the live shards a recorded verification found corrupt, dropping their corrupt entries (default: on)."})
  boolean includeCorrupt;
  @Option(names = "--json", description = "Print a JSON report instead of text.") boolean json;
  @Option(names = "--no-progress", description = "Do not print the phases on stderr.") boolean noProgress;

  /** Which keys: one, a day's, or all. */
  static final class Scope {
    @Option(names = "--key", paramLabel = "YYYYMMDD_HEX", description = "Repack one shard key.") String key;
    @Option(names = "--date", paramLabel = "YYYYMMDD", description = "Repack every key of one day.") String date;
    @Option(names = "--all", description = "Repack every key of the archive.") boolean all;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration graceDuration;
    ShardKey oneKey = null;
    try {
      graceDuration = TombstonesAddCommand.duration(grace);
      if (!(minRatio >= 0 && minRatio <= 1)) {
        throw new IllegalArgumentException("--min-ratio must be between 0 and 1, got " + minRatio);
      }
      if (scope.key != null) {
        oneKey = ShardKey.parse(scope.key);
      } else if (scope.date != null) {
        new ShardKey(scope.date, "0"); // validates the date, naming it when wrong
      }
    } catch (IllegalArgumentException e) {
      err.println("des repack: " + e.getMessage());
      return DesCommand.BAD_INPUT;
    }
    try (BlobStore blobs = store.openStore()) {
      Archive archive = store.openArchive(blobs);
      Repacker repacker = new Repacker(archive, RepackOptions.defaults().withGrace(graceDuration), Clock.systemUTC());
      RepackOutput output = json ? new RepackOutput.Json(out, blobs.describe(), dryRun) : new RepackOutput.Text(out, dryRun);
      RepackListener progress = noProgress || json ? RepackListener.NONE : (key, shard, phase) -> {
        err.printf("des repack: %s %s %s%n", key, phase.name().toLowerCase(), shard);
        err.flush();
      };
      Predicate<ShardPlan> selected = p -> p.deletedRatio() >= minRatio;
      VerificationStore verifications = new VerificationStore(blobs);
      try (Stream<ShardKey> keys = oneKey != null ? Stream.of(oneKey) : keys(archive, blobs)) {
        for (ShardKey key : (Iterable<ShardKey>) keys::iterator) {
          try {
            RepackPlan plan = repacker.plan(key);
            CatalogState state = archive.catalog().load(key);
            Set<String> corrupt = includeCorrupt ? corruptLive(verifications, key, state) : Set.of();
            if (dryRun) {
              output.plan(plan, selected, corrupt);
            } else if (plan.shards().stream().anyMatch(selected) || !plan.purgeDue().isEmpty() || !plan.orphansDue().isEmpty()
                || !corrupt.isEmpty()) {
              output.done(key, run(repacker, key, fence(state), selected, corrupt, progress));
            }
          } catch (CatalogConflictException refused) {
            output.failed(key, refused.getMessage() + " (a fleet worker or another des repack holds this key: run again when it is done)");
          } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            output.failed(key, e.getMessage());
          }
        }
      }
      return output.finish() ? DesCommand.OK : DesCommand.FAILED;
    }
  }

  private Stream<ShardKey> keys(Archive archive, BlobStore blobs) throws IOException {
    ArchiveKeys keys = new ArchiveKeys(blobs, archive.catalog());
    return scope.all ? keys.all() : keys.ofDay(scope.date);
  }

  /**
   * The token to commit with. The command holds no lock: above the key's recorded token, it fences
   * out an older holder of the fleet's lock (whose next token is higher still, so the fleet is not
   * locked out). A key no fenced writer ever committed to keeps 0, as {@code des pack} commits,
   * so the archive can still be packed into by hand after a repack.
   */
  static long fence(CatalogState state) {
    return state.fence() == 0 ? 0 : state.fence() + 1;
  }

  /**
   * Repacks, then purges what became due during the run: with a grace of 0 the versions just
   * replaced, so that their bytes are gone when the command returns.
   */
  private static RepackOutput.Done run(Repacker repacker, ShardKey key, long fence, Predicate<ShardPlan> selected, Set<String> corrupt,
      RepackListener progress) throws IOException {
    RepackReport report = repacker.run(key, fence, selected, corrupt, progress);
    RepackReport lastPurge = null;
    if (!report.repacked().isEmpty() && !repacker.plan(key).purgeDue().isEmpty()) {
      lastPurge = repacker.run(key, fence, p -> false, Set.of(), progress);
    }
    return new RepackOutput.Done(fence, report, lastPurge == null ? null : lastPurge.purged());
  }

  /** The live shards of the key whose last recorded verification failed. */
  private static Set<String> corruptLive(VerificationStore verifications, ShardKey key, CatalogState state) throws IOException {
    Set<String> corrupt = new LinkedHashSet<>();
    // _verify/ is laid out by key as _tombstones/ is: <date>/<hex>/
    try (Stream<VerificationRecord> failures = verifications.failures(TombstoneStore.keyFolder(key))) {
      failures.map(VerificationRecord::shard).filter(state::contains).forEach(corrupt::add);
    }
    return corrupt;
  }
}
