package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreatedAtTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          2024-01-01                       | 2024-01-01T00:00           |
          20240101                         | 2024-01-01T00:00           |
          2024-01-01T10:00:00              | 2024-01-01T10:00           |
          2024-01-01 10:00:00              | 2024-01-01T10:00           |
          2024-01-01T10:00                 | 2024-01-01T10:00           |
          2024-01-01T10                    | 2024-01-01T10:00           |
          2024-01-01T10:00:00.123456       | 2024-01-01T10:00:00.123456 |
          2024-01-01T10:00:00.123          | 2024-01-01T10:00:00.123    |
          2024-01-01T10:00:00.1234567      | 2024-01-01T10:00:00.123456 |
          2024-01-01T10:00:00,5            | 2024-01-01T10:00:00.5      |
          2024-01-01T10:00:00+02:00        | 2024-01-01T10:00           | +02:00
          2024-01-01T10:00:00-05:30        | 2024-01-01T10:00           | -05:30
          2024-01-01T10:00:00+0200         | 2024-01-01T10:00           | +02:00
          2024-01-01T10:00:00+02           | 2024-01-01T10:00           | +02:00
          2024-01-01T10:00:00Z             | 2024-01-01T10:00           | Z
          2024-01-01T10:00:00-00:00        | 2024-01-01T10:00           | Z
          2024-01-01T10:00:00.123456+01:00 | 2024-01-01T10:00:00.123456 | +01:00
          20240101T100000                  | 2024-01-01T10:00           |
          20240101T100000Z                 | 2024-01-01T10:00           | Z
          20240101T1000+0100               | 2024-01-01T10:00           | +01:00
          2024-W01-3                       | 2024-01-03T00:00           |
          2024W01                          | 2024-01-01T00:00           |
          2024-01-01X10:00                 | 2024-01-01T10:00           |
          2024-01-01T10:00:00+01:99        | 2024-01-01T10:00           | +02:39
          2024-01-01Z                      | 2024-01-01T00:00           |
          0999-12-31T23:59:59              | 0999-12-31T23:59:59        |
          """)
  void acceptsWhatUpstreamAccepts(String text, LocalDateTime local, String offset) {
    CreatedAt parsed = CreatedAt.parse(text);
    assertThat(parsed.local()).isEqualTo(local);
    assertThat(parsed.offset()).isEqualTo(offset == null ? null : ZoneOffset.of(offset));
  }

  @Test
  void trailingZOnADateOnlyMakesAnOddButNaiveMidnight() {
    // Upstream turns "2024-01-01Z" into "2024-01-01+00:00"; fromisoformat reads "+" as the date-time
    // separator and "00:00" as the time, so the result is naive.
    assertThat(CreatedAt.parse("2024-01-01Z").isNaive()).isTrue();
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not-a-date                  | not an ISO 8601 date or date-time
          2024-13-01                  | not an ISO 8601 date or date-time
          2023-02-29                  | not an ISO 8601 date or date-time
          2024-01-01T24:00:00         | not an ISO 8601 date or date-time
          2024-01-01T10:00:60         | not an ISO 8601 date or date-time
          2024-01-01T                 | not an ISO 8601 date or date-time
          2024-01-01T10:00:00+00:00Z  | not an ISO 8601 date or date-time
          2024-01-01 10:00:00 UTC     | not an ISO 8601 date or date-time
          2024/01/01                  | not an ISO 8601 date or date-time
          2024-001                    | not an ISO 8601 date or date-time
          0000-01-01                  | year 0 is outside 1..9999
          2024-01-01T10:00:00+24:00   | the UTC offset must be strictly between -24:00 and +24:00
          2024-01-01T10:00:00+18:30   | UTC offsets beyond 18 hours are not supported
          2024-01-01T10:00:00+02:00:00.5 | UTC offsets with fractional seconds are not supported
          """)
  void rejectsWithTheInputAndTheReason(String text, String reason) {
    assertThatThrownBy(() -> CreatedAt.parse(text))
        .isExactlyInstanceOf(InvalidCreatedAtException.class)
        .hasMessage("Invalid created_at '" + text + "': " + reason);
  }

  @Test
  void rejectsEmptyAndNull() {
    assertThatThrownBy(() -> CreatedAt.parse(""))
        .isExactlyInstanceOf(InvalidCreatedAtException.class)
        .hasMessage("Invalid created_at '': not an ISO 8601 date or date-time");
    assertThatThrownBy(() -> CreatedAt.parse(null))
        .isExactlyInstanceOf(InvalidCreatedAtException.class)
        .hasMessage("Invalid created_at: null");
  }

  @Test
  void messageQuotesAtMostOneHundredCharactersWithControlCharactersEscaped() {
    String hostile = "2024\n" + "x".repeat(500);
    assertThatThrownBy(() -> CreatedAt.parse(hostile))
        .isExactlyInstanceOf(InvalidCreatedAtException.class)
        .hasMessage(
            "Invalid created_at '2024\\u000A"
                + "x".repeat(95)
                + "'... (505 chars): not an ISO 8601 date or date-time");
  }

  @Test
  void routingDateIsTheLocalDateAsGiven() {
    CreatedAt late = CreatedAt.parse("2024-01-01T23:30:00-05:00");
    assertThat(late.routingDate()).isEqualTo(LocalDate.of(2024, 1, 1));
    assertThat(late.instant()).isEqualTo(Instant.parse("2024-01-02T04:30:00Z"));
  }

  @Test
  void naiveValuesAreUtcInstants() {
    assertThat(CreatedAt.parse("2024-01-01T10:00:00").instant())
        .isEqualTo(Instant.parse("2024-01-01T10:00:00Z"));
  }

  @Test
  void toIsoIsPythonsIsoformat() {
    assertThat(CreatedAt.parse("20240101").toIso()).isEqualTo("2024-01-01T00:00:00");
    assertThat(CreatedAt.parse("2024-01-01T10:00:00.5Z").toIso())
        .isEqualTo("2024-01-01T10:00:00.500000+00:00");
    assertThat(CreatedAt.parse("0999-01-01T10:00-0130").toIso())
        .isEqualTo("0999-01-01T10:00:00-01:30");
    assertThat(CreatedAt.parse("2024-01-01T10:00:00+02:00:30").toIso())
        .isEqualTo("2024-01-01T10:00:00+02:00:30");
  }

  @Test
  void factoriesTruncateToMicroseconds() {
    CreatedAt fromInstant = CreatedAt.of(Instant.parse("2024-01-01T10:00:00.123456789Z"));
    assertThat(fromInstant.offset()).isEqualTo(ZoneOffset.UTC);
    assertThat(fromInstant.toIso()).isEqualTo("2024-01-01T10:00:00.123456+00:00");
    CreatedAt naive = CreatedAt.of(LocalDateTime.of(2024, 1, 1, 10, 0, 0, 999_999_999));
    assertThat(naive.isNaive()).isTrue();
    assertThat(naive.toIso()).isEqualTo("2024-01-01T10:00:00.999999");
  }

  @Test
  void factoriesRejectYearsPythonCannotRepresent() {
    assertThatThrownBy(() -> CreatedAt.of(LocalDateTime.of(10000, 1, 1, 0, 0)))
        .isExactlyInstanceOf(InvalidCreatedAtException.class)
        .hasMessage("Invalid created_at +10000-01-01T00:00: year 10000 is outside 1..9999");
  }
}
