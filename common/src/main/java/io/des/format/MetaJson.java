package io.des.format;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The meta JSON of an index entry: compact, ASCII-only, keys in insertion order (docs/format.md). */
final class MetaJson {
  private MetaJson() {}

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  /** Serializes a meta map; an empty or null map gives null (written as meta_len 0). */
  static String write(Map<String, ?> meta) {
    if (meta == null || meta.isEmpty()) {
      return null;
    }
    return MAPPER.writeValueAsString(meta);
  }

  /** Whether a value can be written into JSON as is: printable ASCII without quotes or backslashes. */
  static boolean isPlainAscii(String value) {
    if (value == null) {
      return true;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * The meta of an entry with only DES's keys, byte for byte what {@link #write} makes of {@link
   * #withReserved} with no extra keys, built without a map or a JSON library (one per packed file).
   */
  static byte[] reservedOnly(long crc32c, long storedCrc32c, String createdAt) {
    if (crc32c == IndexEntry.NO_CHECKSUM && storedCrc32c == IndexEntry.NO_CHECKSUM && createdAt == null) {
      return new byte[0];
    }
    StringBuilder sb = new StringBuilder(96).append('{');
    if (crc32c != IndexEntry.NO_CHECKSUM) {
      sb.append("\"").append(FormatConstants.META_CRC32C).append("\":\"").append(crc32cHex(crc32c)).append('"');
    }
    if (storedCrc32c != IndexEntry.NO_CHECKSUM) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append("\"").append(FormatConstants.META_STORED_CRC32C).append("\":\"").append(crc32cHex(storedCrc32c)).append('"');
    }
    if (createdAt != null) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append("\"").append(FormatConstants.META_CREATED_AT).append("\":\"").append(createdAt).append('"');
    }
    return sb.append('}').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** DES's own keys first, then the caller's (which may not use the reserved keys). */
  static Map<String, Object> withReserved(long crc32c, long storedCrc32c, String createdAt, Map<String, ?> extra) {
    Map<String, Object> meta = new LinkedHashMap<>();
    if (crc32c != IndexEntry.NO_CHECKSUM) {
      meta.put(FormatConstants.META_CRC32C, crc32cHex(crc32c));
    }
    if (storedCrc32c != IndexEntry.NO_CHECKSUM) {
      meta.put(FormatConstants.META_STORED_CRC32C, crc32cHex(storedCrc32c));
    }
    if (createdAt != null) {
      meta.put(FormatConstants.META_CREATED_AT, createdAt);
    }
    if (extra != null) {
      for (Map.Entry<String, ?> e : extra.entrySet()) {
        if (e.getKey().equals(FormatConstants.META_CRC32C)
            || e.getKey().equals(FormatConstants.META_STORED_CRC32C)
            || e.getKey().equals(FormatConstants.META_CREATED_AT)) {
          throw new IllegalArgumentException("Meta key '" + e.getKey() + "' is reserved by DES");
        }
        meta.put(e.getKey(), e.getValue());
      }
    }
    return meta;
  }

  /**
   * A copied entry's meta with {@code stored_crc32c} set to {@code storedCrc32c} (after {@code
   * crc32c}, where the writer puts it), or removed when that is {@link IndexEntry#NO_CHECKSUM};
   * every other key as it was, in its order.
   */
  static byte[] withStoredCrc32c(String metaJson, long storedCrc32c) {
    Map<String, Object> old = metaJson == null ? Map.of() : MAPPER.readValue(metaJson, LINKED_MAP);
    Map<String, Object> meta = new LinkedHashMap<>();
    if (old.containsKey(FormatConstants.META_CRC32C)) {
      meta.put(FormatConstants.META_CRC32C, old.get(FormatConstants.META_CRC32C));
    }
    if (storedCrc32c != IndexEntry.NO_CHECKSUM) {
      meta.put(FormatConstants.META_STORED_CRC32C, crc32cHex(storedCrc32c));
    }
    old.forEach((key, value) -> {
      if (!key.equals(FormatConstants.META_STORED_CRC32C)) {
        meta.putIfAbsent(key, value);
      }
    });
    String json = write(meta);
    return json == null ? new byte[0] : json.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static final tools.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> LINKED_MAP = new tools.jackson.core.type.TypeReference<>() {};

  static String crc32cHex(long crc) {
    String hex = Long.toHexString(crc & 0xFFFFFFFFL);
    return "00000000".substring(hex.length()) + hex;
  }

  /** The parsed fields DES cares about; the JSON itself is kept as text. */
  record Parsed(long crc32c, long storedCrc32c, String createdAt) {
    static final Parsed NONE = new Parsed(IndexEntry.NO_CHECKSUM, IndexEntry.NO_CHECKSUM, null);
  }

  /**
   * Parses and checks a meta object.
   *
   * @throws IllegalArgumentException with the reason, which the caller wraps with the shard and
   *     offset
   */
  static Parsed parse(String json) {
    Parsed fast = parseReservedOnly(json);
    if (fast != null) {
      return fast;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("meta is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("Index metadata must decode to a mapping");
    }
    long crc = checksum(node, FormatConstants.META_CRC32C);
    long storedCrc = checksum(node, FormatConstants.META_STORED_CRC32C);
    JsonNode createdNode = node.get(FormatConstants.META_CREATED_AT);
    String createdAt = createdNode != null && createdNode.isString() ? createdNode.asString() : null;
    return new Parsed(crc, storedCrc, createdAt);
  }

  private static final String CRC_PREFIX = "{\"" + FormatConstants.META_CRC32C + "\":\"";
  private static final String STORED_PREFIX = ",\"" + FormatConstants.META_STORED_CRC32C + "\":\"";
  private static final String CREATED_PREFIX = ",\"" + FormatConstants.META_CREATED_AT + "\":\"";

  /**
   * The meta DES itself writes for a packed file, {@code {"crc32c":"…"[,"stored_crc32c":"…"][,"created_at":"…"]}}
   * exactly as {@link #reservedOnly} writes it, parsed without a JSON library (an index holds one per
   * entry, and a cold read parses the whole index); null for any other text, which {@link #parse}
   * then reads with Jackson. Gives what Jackson would.
   */
  static Parsed parseReservedOnly(String json) {
    if (!json.startsWith(CRC_PREFIX) || !json.endsWith("}")) {
      return null;
    }
    int at = CRC_PREFIX.length();
    long crc = hex8(json, at);
    if (crc < 0) {
      return null;
    }
    at += 9;
    long stored = IndexEntry.NO_CHECKSUM;
    if (json.startsWith(STORED_PREFIX, at)) {
      at += STORED_PREFIX.length();
      stored = hex8(json, at);
      if (stored < 0) {
        return null;
      }
      at += 9;
    }
    String createdAt = null;
    if (json.startsWith(CREATED_PREFIX, at)) {
      at += CREATED_PREFIX.length();
      int end = json.length() - 2;
      if (end < at || json.charAt(end) != '"') {
        return null;
      }
      createdAt = json.substring(at, end);
      if (!isPlainAscii(createdAt)) {
        return null;
      }
      at = end + 1;
    }
    return at == json.length() - 1 ? new Parsed(crc, stored, createdAt) : null;
  }

  /** Eight lowercase hex digits at {@code at} followed by a quote, or -1. */
  private static long hex8(String s, int at) {
    if (s.length() < at + 9 || s.charAt(at + 8) != '"') {
      return -1;
    }
    long v = 0;
    for (int i = at; i < at + 8; i++) {
      char c = s.charAt(i);
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private static long checksum(JsonNode meta, String key) {
    JsonNode crcNode = meta.get(key);
    if (crcNode == null) {
      return IndexEntry.NO_CHECKSUM;
    }
    String hex = crcNode.isString() ? crcNode.asString() : "";
    if (!hex.matches("[0-9a-f]{8}")) {
      throw new IllegalArgumentException("meta " + key + " must be 8 lowercase hex digits, found " + crcNode);
    }
    return Long.parseLong(hex, 16);
  }
}
