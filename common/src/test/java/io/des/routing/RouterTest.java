package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTest {

  /** Every row of the worked-examples table in upstream-des.md section 2, computed by upstream. */
  @ParameterizedTest(name = "{0} @ {1} / {2} bits -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          12345 | 2024-05-17T10:00:00 | 8 | 57 | 39 | 20240517/39.des
          12345 | 2024-05-17T10:00:00 | 8 | 57 | 39 | 20240517/39.des
          abc123 | 2023-01-01T00:00:00 | 8 | 92 | 5C | 20230101/5C.des
          00042 | 2024-01-01T00:00:00 | 8 | 42 | 2A | 20240101/2A.des
          uid-123 | 2024-01-01T00:00:00+00:00 | 8 | 206 | CE | 20240101/CE.des
          uid-123 | 2024-01-01T23:30:00-05:00 | 8 | 206 | CE | 20240101/CE.des
          550e8400-e29b-41d4-a716-446655440000 | 2024-12-31T23:59:59 | 12 | 241 | 0F1 | 20241231/0F1.des
          123456789012345678901234567890 | 2024-02-29T12:00:00 | 16 | 2770 | 0AD2 | 20240229/0AD2.des
          file-ä€ | 2024-03-01T00:00:00 | 8 | 125 | 7D | 20240301/7D.des
          abc123 | 2024-01-01T00:00:00 | 4 | 12 | C | 20240101/C.des
          abc123 | 2024-01-01T00:00:00 | 5 | 28 | 1C | 20240101/1C.des
          hello | 2024-01-01T00:00:00 | 10 | 646 | 286 | 20240101/286.des
          -5 | 2024-01-01T00:00:00 | 8 | 51 | 33 | 20240101/33.des
          "" | 2024-01-01T00:00:00 | 8 | 0 | 00 | 20240101/00.des
          100 | 2024-01-01T00:00:00 | 8 | 100 | 64 | 20240101/64.des
          356 | 2024-01-01T00:00:00 | 8 | 100 | 64 | 20240101/64.des
          """)
  void upstreamWorkedExamples(
      String uid, String createdAt, int nBits, int index, String hex, String objectKey) {
    Router router = new Router(nBits);
    assertThat(router.shardIndex(uid)).isEqualTo(index);
    assertThat(router.shardHex(index)).isEqualTo(hex);
    ShardKey key = router.route(uid, CreatedAt.parse(createdAt));
    assertThat(key.objectKey()).isEqualTo(objectKey);
    assertThat(key.shardHex()).isEqualTo(hex);
  }

  @Test
  void upstreamTestRoutingDateDirs() {
    assertThat(Router.dateDir(LocalDateTime.of(2024, 1, 2, 3, 4, 5).toLocalDate()))
        .isEqualTo("20240102");
    assertThat(Router.dateDir(LocalDate.of(2023, 12, 31))).isEqualTo("20231231");
  }

  @Test
  void upstreamTestRoutingIndexes() {
    Router router = Router.withDefaultBits();
    assertThat(router.shardIndex("12345")).isEqualTo(57);
    assertThat(router.shardIndex("abc123")).isEqualTo(92);
  }

  @Test
  void upstreamTestRoutingHex() {
    assertThat(new Router(8).shardHex(0)).isEqualTo("00");
    assertThat(new Router(8).shardHex(255)).isEqualTo("FF");
    assertThat(new Router(12).shardHex(4095)).isEqualTo("FFF");
    assertThatThrownBy(() -> new Router(8).shardHex(256))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard_index 256 outside range 0..255");
    assertThatThrownBy(() -> new Router(8).shardHex(-1))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard_index -1 outside range 0..255");
  }

  @Test
  void upstreamTestRoutingLocate() {
    Router router = Router.withDefaultBits();
    ShardKey first = router.route("12345", LocalDate.of(2024, 5, 17));
    assertThat(first.shardHex()).isEqualTo("39");
    assertThat(first.objectKey()).isEqualTo("20240517/39.des");
    ShardKey second = router.route("abc123", LocalDate.of(2023, 1, 1));
    assertThat(second.shardHex()).isEqualTo("5C");
    assertThat(second.objectKey()).isEqualTo("20230101/5C.des");
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 17, 24, 0, -8})
  void nBitsOutsideFourToSixteenAreRejectedWithUpstreamMessage(int nBits) {
    assertThatThrownBy(() -> new Router(nBits))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("n_bits must be between 4 and 16, inclusive.");
  }

  @Test
  void nBitsFourAndSixteenAreAccepted() {
    assertThat(new Router(4).shardCount()).isEqualTo(16);
    assertThat(new Router(16).shardCount()).isEqualTo(65536);
  }

  @Test
  void hexWidthIsAMinimumSoOddBitCountsGiveVariableLengthNames() {
    Router five = new Router(5);
    assertThat(five.shardHex(12)).isEqualTo("C");
    assertThat(five.shardHex(28)).isEqualTo("1C");
    assertThat(new Router(7).shardHex(0)).isEqualTo("0");
    assertThat(new Router(11).shardHex(2047)).isEqualTo("7FF");
    assertThat(new Router(16).shardHex(10)).isEqualTo("000A");
  }

  @Test
  void arabicIndicDigitsAreNumericLikePythonInt() {
    Router router = Router.withDefaultBits();
    assertThat(router.shardIndex("\u0661\u0662\u0663")).isEqualTo(123);
    // Mixed scripts are fine for int() too: "1" + Devanagari 2 + fullwidth 3.
    assertThat(router.shardIndex("1\u0968\uFF13")).isEqualTo(123);
    // Mathematical bold digits live outside the BMP.
    assertThat(router.shardIndex("\uD835\uDFCF\uD835\uDFD0")).isEqualTo(12);
  }

  @Test
  void superscriptDigitIsRejectedBecauseUpstreamIntFails() {
    assertThatThrownBy(() -> Router.withDefaultBits().shardIndex("\u00b2"))
        .isExactlyInstanceOf(InvalidUidException.class)
        .hasMessage(
            "Invalid UID '\u00b2': U+00B2 at index 0 is a digit to Python's str.isdigit() but not a"
                + " decimal digit, so upstream's int() fails on it");
  }

  @Test
  void circledDigitAmongDecimalDigitsIsRejected() {
    assertThatThrownBy(() -> Router.withDefaultBits().shardIndex("12\u2460"))
        .isInstanceOf(InvalidUidException.class)
        .hasMessageStartingWith("Invalid UID '12\u2460': U+2460 at index 2 is a digit");
  }

  @Test
  void otherNumbersThatPythonDoesNotCallDigitsGoThroughCrc() {
    // U+3280 (circled ideograph one) and U+00BD (one half) fail isdigit(), so upstream hashes them.
    Router router = Router.withDefaultBits();
    assertThat(router.shardIndex("\u3280")).isEqualTo(crc8("\u3280"));
    assertThat(router.shardIndex("1\u00bd")).isEqualTo(crc8("1\u00bd"));
    // A superscript next to a letter is not all-digits either: CRC, no exception.
    assertThat(router.shardIndex("x\u00b2")).isEqualTo(crc8("x\u00b2"));
  }

  @Test
  void unpairedSurrogateIsRejectedBecauseItHasNoUtf8Encoding() {
    assertThatThrownBy(() -> Router.withDefaultBits().shardIndex("ab\uD800"))
        .isExactlyInstanceOf(InvalidUidException.class)
        .hasMessage(
            "Invalid UID 'ab\\uD800': unpaired surrogate U+D800 at index 2 cannot be encoded as UTF-8");
  }

  @Test
  void leadingZerosAndVeryLongNumbersUseTheDecimalValue() {
    Router router = new Router(16);
    assertThat(router.shardIndex("00000000000000000000000000000042")).isEqualTo(42);
    assertThat(router.shardIndex("9".repeat(1000)))
        .isEqualTo(new java.math.BigInteger("9".repeat(1000)).mod(java.math.BigInteger.valueOf(65536)).intValue());
  }

  @Test
  void dateDirDoesNotPadYearsBelowOneThousand() {
    assertThat(Router.dateDir(LocalDate.of(999, 1, 1))).isEqualTo("9990101");
    assertThat(Router.dateDir(LocalDate.of(5, 12, 31))).isEqualTo("51231");
    assertThat(Router.dateDir(LocalDate.of(9999, 12, 31))).isEqualTo("99991231");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10000})
  void dateDirRejectsYearsPythonCannotRepresent(int year) {
    assertThatThrownBy(() -> Router.dateDir(LocalDate.of(year, 1, 1)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("year " + year + " outside range 1..9999");
  }

  @Test
  void routingUsesTheLocalDateAsGivenNotUtc() {
    ShardKey key =
        Router.withDefaultBits().route("uid-123", CreatedAt.parse("2024-01-01T23:30:00-05:00"));
    assertThat(key).isEqualTo(new ShardKey("20240101", "CE"));
    assertThat(key.prefix()).isEqualTo("20240101_CE_");
  }

  private static int crc8(String s) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return (int) (crc.getValue() & 0xFF);
  }
}
