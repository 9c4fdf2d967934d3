package io.des.cli;

import io.des.archive.Archive;
import io.des.catalog.ArchiveKeys;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.format.IndexEntry;
import io.des.format.ShardReader;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code des ls}: the live shards of a day or a shard key, or the entries of one shard. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "Lists the live shards of a day or shard key, or the entries of one shard.")
final class LsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  static final class What {
    @Option(names = "--date", paramLabel = "YYYYMMDD", description = "All shard keys of a day.") String date;
    @Option(names = "--key", paramLabel = "YYYYMMDD_HEX", description = "One shard key.") String key;
    @Option(names = "--shard", paramLabel = "NAME", description = "The entries of one shard.") String shard;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") What what;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (BlobStore blobs = store.openStore()) {
      Archive archive = store.openArchive(blobs);
      if (what.shard != null) {
        ShardReader reader = archive.shard(what.shard);
        out.printf("%s: version %d, %s, %,d entries, %,d bytes%n", what.shard, reader.index().version(),
            reader.index().sealed() ? "sealed" : "unsealed (upstream)", reader.index().size(), reader.index().shardSize());
        out.println("uid\tsize\tstored\tcodec\tcreated_at");
        for (IndexEntry e : reader.index().entries()) {
          out.printf("%s\t%d\t%s\t%s\t%s%n", e.uid(), e.contentSize(), e.isBigFile() ? "bigfile:" + e.bigFileSha256() : Long.toString(e.length()),
              e.codec().label(), e.createdAt() == null ? "" : e.createdAt());
        }
        return DesCommand.OK;
      }
      Stream<ShardKey> keys = what.key != null ? Stream.of(ShardKey.parse(what.key))
          : new ArchiveKeys(blobs, archive.catalog()).ofDay(what.date);
      out.println("key\tgeneration\tshard\tsize\tentries");
      try (keys) {
        for (ShardKey key : (Iterable<ShardKey>) keys::iterator) {
          CatalogState state = archive.catalog().load(key);
          for (LiveShard s : state.shards()) {
            out.printf("%s\t%d\t%s\t%d\t%s%n", key, state.generation(), s.name(), s.size(), s.entries() < 0 ? "?" : Long.toString(s.entries()));
          }
        }
      }
      return DesCommand.OK;
    }
  }
}
