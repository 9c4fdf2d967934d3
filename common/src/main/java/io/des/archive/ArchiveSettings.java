package io.des.archive;

import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Settings that every writer and reader of an archive must agree on, kept in {@code _des/archive.json}
 * and written once: the routing bits. Upstream kept n_bits nowhere, so a mismatched setting gave
 * silent "not found"; here the archive says what it uses and a conflicting option is refused.
 */
public record ArchiveSettings(int nBits) {
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
      return new ArchiveSettings(nBits);
    } catch (JacksonException e) {
      throw new IOException("Invalid " + PATH + " in " + store.describe() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The archive's settings, writing {@code wanted} first if it has none.
   *
   * @throws IOException if the archive already uses other settings
   */
  public static ArchiveSettings readOrCreate(BlobStore store, ArchiveSettings wanted) throws IOException {
    ArchiveSettings existing = read(store);
    if (existing == null) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("format", 1);
      json.put("n_bits", wanted.nBits());
      try {
        store.putExclusive(PATH, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        return wanted;
      } catch (BlobAlreadyExistsException raced) {
        existing = read(store);
      }
    }
    if (existing.nBits() != wanted.nBits()) {
      throw new IOException(
          "Archive " + store.describe() + " uses n_bits " + existing.nBits() + ", not " + wanted.nBits()
              + "; all files of an archive are routed with the same bits");
    }
    return existing;
  }
}
