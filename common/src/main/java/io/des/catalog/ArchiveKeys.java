package io.des.catalog;

import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The shard keys an archive holds, found by listing: the keys with a catalog ({@code
 * _catalog/<date>/<hex>/}), then, unless the archive records that every shard is in a catalog, the
 * keys of shard files at the root that have no catalog (folders written by upstream). Each key is
 * given once. Lazy: memory does not grow with the number of keys or shards.
 */
public final class ArchiveKeys {
  private final ShardCatalog catalog;
  private final BlobStore store;

  /** Keys of {@code store} as {@code catalog} sees them (its {@link ShardCatalog#uncataloged()}). */
  public ArchiveKeys(BlobStore store, ShardCatalog catalog) {
    this.store = Objects.requireNonNull(store, "store");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** Every key of the archive. Close the stream. */
  public Stream<ShardKey> all() throws IOException {
    return listed("", "");
  }

  /** The keys of one day, {@code dateDir} as in shard names ({@code 20240517}). Close the stream. */
  public Stream<ShardKey> ofDay(String dateDir) throws IOException {
    new ShardKey(dateDir, "0"); // validates the date directory, naming it when wrong
    return listed(dateDir + "/", dateDir + "_");
  }

  /** The keys whose date directory starts with {@code datePrefix} ({@code 202405}: May 2024). */
  public Stream<ShardKey> withDatePrefix(String datePrefix) throws IOException {
    if (!datePrefix.matches("\\d{0,8}")) {
      throw new IllegalArgumentException("Invalid date prefix '" + datePrefix + "': expected up to 8 digits, such as 202405");
    }
    return listed(datePrefix, datePrefix);
  }

  private Stream<ShardKey> listed(String catalogPrefix, String filePrefix) throws IOException {
    Stream<ShardKey> cataloged = store.list("_catalog/" + catalogPrefix)
        .map(info -> catalogKey(info.path().key()))
        .flatMap(Optional::stream)
        .filter(new Changed());
    if (catalog.uncataloged() == ShardCatalog.Uncataloged.NOTHING) {
      return cataloged;
    }
    ShardCatalog catalogsOnly = new ShardCatalog(store, ShardCatalog.Uncataloged.NOTHING);
    Stream<ShardName> root;
    try {
      root = rootShards(filePrefix);
    } catch (IOException | RuntimeException e) {
      cataloged.close();
      throw e;
    }
    Stream<ShardKey> files = root
        .map(ShardName::key)
        .filter(new Changed())
        .filter(key -> !hasCatalog(catalogsOnly, key)); // those were listed with the catalogs
    return Stream.concat(cataloged, files);
  }

  /** The key of a blob under {@code _catalog/}, or empty for anything else found there. */
  private static Optional<ShardKey> catalogKey(String blobKey) {
    String[] parts = blobKey.split("/");
    if (parts.length != 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ShardKey(parts[1], parts[2]));
    } catch (IllegalArgumentException notAKey) {
      return Optional.empty();
    }
  }

  /** Shard files at the root of the store whose name starts with {@code prefix}, lazily. */
  private Stream<ShardName> rootShards(String prefix) throws IOException {
    return store.list(prefix).filter(i -> !i.path().key().contains("/")).map(i -> ShardName.parse(i.path().key())).flatMap(Optional::stream);
  }

  private static boolean hasCatalog(ShardCatalog catalogsOnly, ShardKey key) {
    try {
      return catalogsOnly.load(key).generation() > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Passes a key when it differs from the one before: the listings give each key's blobs together. */
  private static final class Changed implements Predicate<ShardKey> {
    private ShardKey last;

    @Override
    public boolean test(ShardKey key) {
      boolean changed = !key.equals(last);
      last = key;
      return changed;
    }
  }
}
