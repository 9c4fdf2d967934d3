package io.des.archive;

import io.des.bigfile.MarkerEpoch;
import io.des.catalog.ShardCatalog;
import io.des.catalog.ShardName;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Settings that every writer and reader of an archive must agree on, kept in {@code _des/archive.json}
 * and written once: the routing bits. Upstream kept n_bits nowhere, so a mismatched setting gave
 * silent "not found"; here the archive says what it uses and a conflicting option is refused.
 *
 * <p>It also records whether the archive held shards before DES first wrote to it (an upstream
 * folder adopted by DES): only then must a key without a catalog be looked for by listing. An
 * archive DES created needs no LIST at all. A new archive also records that its BigFiles all have
 * reference markers ({@link MarkerEpoch}), so that their content can be erased.
 */
public record ArchiveSettings(int nBits, ShardCatalog.Uncataloged uncataloged) {
  public static final BlobPath PATH = BlobPath.of("_des/archive.json");
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** The stored settings, or null for an archive without them (empty, or written by upstream). */
  public static ArchiveSettings read(BlobStore store) throws IOException {
    byte[] bytes;
    try (InputStream in = store.open(PATH)) {
      bytes = in.readNBytes(1 << 16);
    } catch (BlobNotFoundException e) {
      return null;
    }
    try {
      JsonNode node = MAPPER.readTree(bytes);
      int nBits = node.path("n_bits").asInt(-1);
      if (nBits < 4 || nBits > 16) {
        throw new IOException("Invalid " + PATH + " in " + store.describe() + ": n_bits " + node.path("n_bits"));
      }
      // Settings written before this field existed are read the safe way: list.
      boolean listed = node.path("uncataloged_shards").asBoolean(true);
      return new ArchiveSettings(nBits, listed ? ShardCatalog.Uncataloged.LIST_SHARD_FILES : ShardCatalog.Uncataloged.NOTHING);
    } catch (JacksonException e) {
      throw new IOException("Invalid " + PATH + " in " + store.describe() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The archive's settings, writing them first if it has none ({@code wanted} bits, or 8 when
   * null). A null {@code wanted} accepts whatever the archive records.
   *
   * @throws IOException if the archive already uses other settings
   */
  public static ArchiveSettings readOrCreate(BlobStore store, Integer wanted) throws IOException {
    ArchiveSettings existing = read(store);
    if (existing != null && wanted == null) {
      return existing;
    }
    int nBits = wanted != null ? wanted : 8;
    if (existing == null) {
      ArchiveSettings created = new ArchiveSettings(nBits, holdsShardFiles(store)
          ? ShardCatalog.Uncataloged.LIST_SHARD_FILES : ShardCatalog.Uncataloged.NOTHING);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("format", 1);
      json.put("n_bits", nBits);
      json.put("uncataloged_shards", created.uncataloged() == ShardCatalog.Uncataloged.LIST_SHARD_FILES);
      try {
        store.putExclusive(PATH, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        if (created.uncataloged() == ShardCatalog.Uncataloged.NOTHING) {
          // a new archive: every BigFile it will hold has reference markers (docs/deletion.md)
          MarkerEpoch.start(store, Duration.ZERO);
        }
        return created;
      } catch (BlobAlreadyExistsException raced) {
        existing = read(store);
      }
    }
    if (existing.nBits() != nBits) {
      throw new IOException(
          "Archive " + store.describe() + " uses n_bits " + existing.nBits() + ", not " + nBits
              + "; all files of an archive are routed with the same bits");
    }
    return existing;
  }

  /** Whether shard files already lie at the archive's top level (one listing, once per archive). */
  private static boolean holdsShardFiles(BlobStore store) throws IOException {
    try (java.util.stream.Stream<io.des.storage.BlobInfo> listing = store.list("")) {
      return listing.anyMatch(i -> !i.path().key().contains("/") && ShardName.parse(i.path().key()).isPresent());
    }
  }
}
