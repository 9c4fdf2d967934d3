package io.des.cli;

import io.des.routing.ShardKey;
import io.des.tombstone.TombstoneStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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

  /** Which tombstones: a day, a shard key, or (neither) all of them. */
  static final class Where {
    @Option(names = "--date", paramLabel = "YYYYMMDD", description = "The tombstones of one day.") String date;
    @Option(names = "--key", paramLabel = "YYYYMMDD_HEX", description = "The tombstones of one shard key.") String key;

    /** The prefix for {@link TombstoneStore#statuses}; a null group means all. */
    static String prefix(Where where) {
      if (where == null) {
        return "";
      }
      if (where.key != null) {
        return TombstoneStore.keyFolder(ShardKey.parse(where.key));
      }
      return new ShardKey(where.date, "0").dateDir() + "/"; // validates the date
    }
  }
}
