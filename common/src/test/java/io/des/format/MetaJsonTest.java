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
      for (String t : times) {
        String general = MetaJson.write(MetaJson.withReserved(crc, t, null));
        byte[] expected = general == null ? new byte[0] : general.getBytes(StandardCharsets.US_ASCII);
        assertThat(MetaJson.reservedOnly(crc, t)).as(crc + " " + t).isEqualTo(expected);
      }
    }
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
