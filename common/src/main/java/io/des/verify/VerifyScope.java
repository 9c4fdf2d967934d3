package io.des.verify;

import io.des.routing.ShardKey;
import io.des.storage.BlobPath;
import java.util.List;
import java.util.Objects;

/** Which shards a {@link BulkVerifier} checks: the live shards of the archive, a day, keys, or named shards. */
public sealed interface VerifyScope {

  /** Every live shard of the archive. */
  static VerifyScope all() {
    return new DatePrefix("");
  }

  /** The live shards of one day ({@code 20240517}). */
  static VerifyScope day(String dateDir) {
    return new Day(dateDir);
  }

  /** The live shards of the days whose directory starts with {@code datePrefix} ({@code 202405}). */
  static VerifyScope datePrefix(String datePrefix) {
    return new DatePrefix(datePrefix);
  }

  /** The live shards of one shard key. */
  static VerifyScope key(ShardKey key) {
    return new Key(key);
  }

  /** The live shards of the given shard keys, in that order. */
  static VerifyScope keys(List<ShardKey> keys) {
    return new Keys(keys);
  }

  /** Named shard blobs, live or not, checked whatever the catalog says. */
  static VerifyScope shards(List<String> names) {
    return new Shards(names);
  }

  /** @param dateDir a day as shard names spell it */
  record Day(String dateDir) implements VerifyScope {
    public Day {
      new ShardKey(dateDir, "0"); // validates, naming the bad input
    }
  }

  /** @param datePrefix up to 8 digits; empty for the whole archive */
  record DatePrefix(String datePrefix) implements VerifyScope {
    public DatePrefix {
      if (datePrefix == null || !datePrefix.matches("\\d{0,8}")) {
        throw new IllegalArgumentException("Invalid date prefix '" + datePrefix + "': expected up to 8 digits, such as 202405");
      }
    }
  }

  record Key(ShardKey key) implements VerifyScope {
    public Key {
      Objects.requireNonNull(key, "key");
    }
  }

  record Keys(List<ShardKey> keys) implements VerifyScope {
    public Keys {
      keys = List.copyOf(keys); // refuses nulls
    }
  }

  record Shards(List<String> names) implements VerifyScope {
    public Shards {
      names = List.copyOf(names);
      names.forEach(BlobPath::of); // validates each
    }
  }
}
