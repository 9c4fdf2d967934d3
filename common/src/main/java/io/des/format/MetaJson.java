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
  static byte[] reservedOnly(long crc32c, String createdAt) {
    if (crc32c == IndexEntry.NO_CHECKSUM && createdAt == null) {
      return new byte[0];
    }
    StringBuilder sb = new StringBuilder(64).append('{');
    if (crc32c != IndexEntry.NO_CHECKSUM) {
      sb.append("\"").append(FormatConstants.META_CRC32C).append("\":\"").append(crc32cHex(crc32c)).append('"');
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
  static Map<String, Object> withReserved(long crc32c, String createdAt, Map<String, ?> extra) {
    Map<String, Object> meta = new LinkedHashMap<>();
    if (crc32c != IndexEntry.NO_CHECKSUM) {
      meta.put(FormatConstants.META_CRC32C, crc32cHex(crc32c));
    }
    if (createdAt != null) {
      meta.put(FormatConstants.META_CREATED_AT, createdAt);
    }
    if (extra != null) {
      for (Map.Entry<String, ?> e : extra.entrySet()) {
        if (e.getKey().equals(FormatConstants.META_CRC32C)
            || e.getKey().equals(FormatConstants.META_CREATED_AT)) {
          throw new IllegalArgumentException("Meta key '" + e.getKey() + "' is reserved by DES");
        }
        meta.put(e.getKey(), e.getValue());
      }
    }
    return meta;
  }

  static String crc32cHex(long crc) {
    String hex = Long.toHexString(crc & 0xFFFFFFFFL);
    return "00000000".substring(hex.length()) + hex;
  }

  /** The parsed fields DES cares about; the JSON itself is kept as text. */
  record Parsed(long crc32c, String createdAt) {}

  /**
   * Parses and checks a meta object.
   *
   * @throws IllegalArgumentException with the reason, which the caller wraps with the shard and
   *     offset
   */
  static Parsed parse(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("meta is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("Index metadata must decode to a mapping");
    }
    long crc = IndexEntry.NO_CHECKSUM;
    JsonNode crcNode = node.get(FormatConstants.META_CRC32C);
    if (crcNode != null) {
      String hex = crcNode.isString() ? crcNode.asString() : "";
      if (!hex.matches("[0-9a-f]{8}")) {
        throw new IllegalArgumentException(
            "meta crc32c must be 8 lowercase hex digits, found " + crcNode);
      }
      crc = Long.parseLong(hex, 16);
    }
    JsonNode createdNode = node.get(FormatConstants.META_CREATED_AT);
    String createdAt = createdNode != null && createdNode.isString() ? createdNode.asString() : null;
    return new Parsed(crc, createdAt);
  }
}
