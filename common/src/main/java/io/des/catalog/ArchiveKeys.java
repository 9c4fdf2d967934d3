package io.des.catalog;

import io.des.routing.ShardKey;
import io.des.storage.BlobInfo;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The shard keys an archive holds, found by listing: the keys with a catalog ({@code
 * _catalog/<date>/<hex>/}), then, unless the archive records that every shard is in a catalog, the
 * keys of shard files at the root that have no catalog (folders written by upstream). Each key is
 * given once. Lazy: memory does not grow with the number of keys or shards.
 *
 * <p>The order, {@link #all()}'s, is the cataloged keys by name, then the keys without a catalog by
 * name; {@link #after} resumes it from a key.
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

  /**
   * The keys that come after {@code cursor} in {@link #all()}'s order, whether or not the cursor
   * still exists. Does not list what comes before the cursor: each LIST starts from a prefix that
   * sorts after it (a few per character of the key, most of them empty, until one finds blobs), so
   * resuming near the end of a large archive costs tens of LISTs, not a walk over all of it. Close
   * the stream.
   */
  public Stream<ShardKey> after(ShardKey cursor) throws IOException {
    ShardCatalog catalogsOnly = new ShardCatalog(store, ShardCatalog.Uncataloged.NOTHING);
    boolean cataloged = catalog.uncataloged() == ShardCatalog.Uncataloged.NOTHING || hasCatalog(catalogsOnly, cursor);
    if (cataloged) {
      Stream<ShardKey> rest = listedAfter("_catalog/", cursor.dateDir() + "/" + cursor.shardHex() + "/")
          .map(info -> catalogKey(info.path().key()))
          .flatMap(Optional::stream)
          .filter(new Changed());
      if (catalog.uncataloged() == ShardCatalog.Uncataloged.NOTHING) {
        return rest;
      }
      try {
        return Stream.concat(rest, uncatalogedUnchecked(catalogsOnly, rootShards("")));
      } catch (IOException | RuntimeException e) {
        rest.close();
        throw e;
      }
    }
    Stream<ShardName> files = listedAfter("", cursor.prefix())
        .filter(i -> !i.path().key().contains("/"))
        .map(i -> ShardName.parse(i.path().key()))
        .flatMap(Optional::stream);
    return uncatalogedUnchecked(catalogsOnly, files);
  }

  private static final int DATE_LENGTH = 8;
  private static final String DIGITS = "0123456789";
  private static final String HEX = "0123456789ABCDEF";

  /**
   * The blobs named {@code base + s} where {@code s} sorts after every name starting with {@code
   * part}, in order: for each position of {@code part} from the last, the prefixes that keep what
   * comes before it and put a larger character there, of those a key can hold at that position
   * (digits in the date, then hex digits and the part's separator, its last character). The last
   * position is one LIST of the part less its separator, filtered, which also covers longer keys.
   */
  private Stream<BlobInfo> listedAfter(String base, String part) {
    char separator = part.charAt(part.length() - 1);
    char[] afterDate = (HEX + separator).toCharArray();
    Arrays.sort(afterDate);
    List<String> prefixes = new ArrayList<>();
    for (int at = part.length() - 2; at >= 0; at--) {
      if (at == DATE_LENGTH) {
        continue; // the separator after the date: every key has it there
      }
      for (char c : at < DATE_LENGTH ? DIGITS.toCharArray() : afterDate) {
        if (c > part.charAt(at)) {
          prefixes.add(base + part.substring(0, at) + c);
        }
      }
    }
    String cursor = base + part;
    String last = base + part.substring(0, part.length() - 1);
    Stream<BlobInfo> near = lazyList(List.of(last)).filter(i -> i.path().key().compareTo(cursor) > 0 && !i.path().key().startsWith(cursor));
    return Stream.concat(near, lazyList(prefixes));
  }

  /**
   * The listings of {@code prefixes}, one after the other, each opened only when the one before is
   * used up (a flatMap would buffer a whole listing when pulled through an iterator).
   */
  private Stream<BlobInfo> lazyList(List<String> prefixes) {
    Iterator<String> next = prefixes.iterator();
    List<Stream<BlobInfo>> open = new ArrayList<>(1);
    Iterator<BlobInfo> blobs = new Iterator<>() {
      private Iterator<BlobInfo> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next.hasNext()) {
          open.forEach(Stream::close);
          open.clear();
          try {
            Stream<BlobInfo> listing = store.list(next.next());
            open.add(listing);
            current = listing.iterator();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return current.hasNext();
      }

      @Override
      public BlobInfo next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(blobs, Spliterator.ORDERED), false)
        .onClose(() -> open.forEach(Stream::close));
  }

  private Stream<ShardKey> uncatalogedUnchecked(ShardCatalog catalogsOnly, Stream<ShardName> files) {
    return files.map(ShardName::key).filter(new Changed()).filter(key -> !hasCatalog(catalogsOnly, key));
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
    // Keys with a catalog were listed with the catalogs.
    return Stream.concat(cataloged, uncatalogedUnchecked(catalogsOnly, root));
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
