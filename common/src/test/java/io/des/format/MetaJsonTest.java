package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The packer's fast meta path writes exactly what the general JSON path writes. */
class MetaJsonTest {
  @Test
  void fastPathMatchesTheGeneralPath() {
    long[] crcs = {IndexEntry.NO_CHECKSUM, 0, 0x9a71bb4cL, 0xffffffffL, 0x10L};
    String[] times = {null, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000001Z"};
    for (long crc : crcs) {
      for (long stored : crcs) {
        for (String t : times) {
          String general = MetaJson.write(MetaJson.withReserved(crc, stored, t, null));
          byte[] expected = general == null ? new byte[0] : general.getBytes(StandardCharsets.US_ASCII);
          assertThat(MetaJson.reservedOnly(crc, stored, t)).as(crc + " " + stored + " " + t).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void theFastParserAgreesWithJacksonOrDeclines() {
    long[] crcs = {IndexEntry.NO_CHECKSUM, 0, 0x9a71bb4cL, 0xffffffffL};
    String[] times = {null, "2024-01-01T00:00:00Z", "", "x y"};
    int fast = 0;
    for (long crc : crcs) {
      for (long stored : crcs) {
        for (String t : times) {
          byte[] bytes = MetaJson.reservedOnly(crc, stored, t);
          if (bytes.length == 0) {
            continue;
          }
          String json = new String(bytes, StandardCharsets.US_ASCII);
          MetaJson.Parsed quick = MetaJson.parseReservedOnly(json);
          if (quick != null) {
            fast++;
            assertThat(quick).as(json).isEqualTo(MetaJson.parse(json + " ")); // a trailing space declines the fast path
          }
        }
      }
    }
    assertThat(fast).as("every meta with crc32c first takes the fast path").isEqualTo(3 * 4 * 4);
    String[] others = {
      "{\"crc32c\":\"9A71BB4C\"}", "{\"crc32c\":\"9a71bb4\"}", "{\"crc32c\":\"9a71bb4c\",\"x\":1}",
      "{\"crc32c\":\"9a71bb4c\",\"created_at\":\"a\\\"b\"}", "{\"crc32c\":\"9a71bb4c\",\"created_at\":\"\\u00e4\"}",
      "{\"crc32c\":\"9a71bb4c\",\"created_at\":1}", "{\"crc32c\":\"9a71bb4c\"}}", "{\"created_at\":\"x\",\"crc32c\":\"9a71bb4c\"}",
      "{\"crc32c\":\"9a71bb4c\",\"stored_crc32c\":\"zz\"}"
    };
    for (String json : others) {
      assertThat(MetaJson.parseReservedOnly(json)).as(json).isNull();
    }
  }

  @Test
  void bothChecksumsRoundTrip() {
    String json = new String(MetaJson.reservedOnly(0x9a71bb4cL, 0x10L, "2024-01-01T00:00:00Z"), StandardCharsets.US_ASCII);
    assertThat(json).isEqualTo("{\"crc32c\":\"9a71bb4c\",\"stored_crc32c\":\"00000010\",\"created_at\":\"2024-01-01T00:00:00Z\"}");
    assertThat(MetaJson.parse(json)).isEqualTo(new MetaJson.Parsed(0x9a71bb4cL, 0x10L, "2024-01-01T00:00:00Z"));
    assertThat(MetaJson.parse("{\"crc32c\":\"9a71bb4c\"}").storedCrc32c()).isEqualTo(IndexEntry.NO_CHECKSUM);
  }

  @Test
  void aMalformedStoredChecksumIsRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetaJson.parse("{\"stored_crc32c\":\"XYZ\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("meta stored_crc32c must be 8 lowercase hex digits, found \"XYZ\"");
  }

  @Test
  void theStoredChecksumIsReserved() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetaJson.withReserved(1, 2, null, java.util.Map.of("stored_crc32c", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
  }

  @Test
  void onlyPlainAsciiTakesTheFastPath() {
    assertThat(MetaJson.isPlainAscii("2024-01-01T00:00:00Z")).isTrue();
    assertThat(MetaJson.isPlainAscii("a\"b")).isFalse();
    assertThat(MetaJson.isPlainAscii("a\\b")).isFalse();
    assertThat(MetaJson.isPlainAscii("\u00e4")).isFalse();
    assertThat(MetaJson.isPlainAscii("\n")).isFalse();
  }

  @Test
  void crcHexIsZeroPadded() {
    assertThat(MetaJson.crc32cHex(0x10)).isEqualTo("00000010");
    assertThat(MetaJson.crc32cHex(0xffffffffL)).isEqualTo("ffffffff");
  }
}
