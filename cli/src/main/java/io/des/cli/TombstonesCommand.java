package io.des.cli;

import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.tombstone.TombstoneStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code des tombstones}: deleted files, their erasure, and deleting one by hand. */
@Command(name = "tombstones", mixinStandardHelpOptions = true,
    description = "Lists, counts and adds tombstones (deleted files) and their erasure status.",
    subcommands = {TombstonesListCommand.class, TombstonesAddCommand.class, TombstonesStatsCommand.class})
final class TombstonesCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /**
   * A report over the tombstones of a day, a key or all, streamed in name order: what {@code list}
   * and {@code stats} share.
   */
  abstract static class StatusReport implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions store;
    @ArgGroup(exclusive = true) Where where;
    @Option(names = "--json", description = "JSON instead of tab-separated text.") boolean json;

    /** Whether erased tombstones may be skipped (without reading them). */
    boolean pendingOnly() {
      return false;
    }

    abstract void report(PrintWriter out, Stream<TombstoneStore.Status> statuses) throws IOException;

    @Override
    public Integer call() throws Exception {
      String prefix = Where.prefix(where, spec);
      if (prefix == null) {
        return DesCommand.BAD_INPUT;
      }
      try (BlobStore blobs = store.openStore(); Stream<TombstoneStore.Status> statuses = new TombstoneStore(blobs).statuses(prefix, pendingOnly())) {
        PrintWriter out = spec.commandLine().getOut();
        report(out, statuses);
        out.flush();
        return DesCommand.OK;
      }
    }
  }

  /** Which tombstones: a day, a shard key, or (neither) all of them. */
  static final class Where {
    @Option(names = "--date", paramLabel = "YYYYMMDD", description = "The tombstones of one day.") String date;
    @Option(names = "--key", paramLabel = "YYYYMMDD_HEX", description = "The tombstones of one shard key.") String key;

    /**
     * The prefix for {@link TombstoneStore#statuses}; a null group means all. Null, after saying why
     * on stderr, for a bad date or key.
     */
    static String prefix(Where where, CommandLine.Model.CommandSpec spec) {
      try {
        if (where == null) {
          return "";
        }
        if (where.key != null) {
          return TombstoneStore.keyFolder(ShardKey.parse(where.key));
        }
        return new ShardKey(where.date, "0").dateDir() + "/"; // validates the date
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("des tombstones " + spec.name() + ": " + e.getMessage());
        return null;
      }
    }
  }
}
