package io.des.routing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The instant a file was created, exactly as the client gave it: a local date-time plus its UTC
 * offset, or no offset for a naive value. Parsing accepts what upstream accepts (Python 3.11 {@code
 * datetime.fromisoformat} after a trailing "Z" becomes "+00:00"); anything else, for any input
 * string, fails with {@link InvalidCreatedAtException} and nothing else. Precision is the
 * microsecond and years are 1..9999, as in Python.
 *
 * @param local the wall-clock date-time as given (microsecond precision)
 * @param offset the UTC offset as given, or null when the value is naive
 */
public record CreatedAt(LocalDateTime local, ZoneOffset offset) {

  private static final int MAX_OFFSET_SECONDS = 18 * 3600;

  public CreatedAt {
    Objects.requireNonNull(local, "local");
    if (local.getYear() < 1 || local.getYear() > 9999) {
      throw new InvalidCreatedAtException(
          "Invalid created_at " + local + ": year " + local.getYear() + " is outside 1..9999");
    }
    if (local.getNano() % 1000 != 0) {
      throw new InvalidCreatedAtException(
          "Invalid created_at " + local + ": precision finer than a microsecond");
    }
  }

  /**
   * Parses a created_at string as upstream does: "2024-01-01", "20240101", "2024-01-01T10:00",
   * "2024-01-01 10:00:00", "20240101T100000", fractions of 1 to 6 (or more, truncated) digits, ISO
   * week dates, offsets "Z", "+02", "+0200", "+02:00". Two Python-valid forms are rejected because
   * {@link ZoneOffset} cannot hold them: offsets with fractional seconds and offsets beyond 18 hours.
   *
   * @throws InvalidCreatedAtException quoting the input (at most 100 characters) and the reason
   */
  public static CreatedAt parse(String text) {
    if (text == null) {
      throw new InvalidCreatedAtException("Invalid created_at: null");
    }
    // Upstream's HTTP layer and CLI replace a trailing Z before calling fromisoformat.
    String s = text.endsWith("Z") ? text.substring(0, text.length() - 1) + "+00:00" : text;
    PythonIsoFormat.Fields fields;
    try {
      fields = PythonIsoFormat.parse(s);
    } catch (PythonIsoFormat.Rejected e) {
      throw invalid(text, e.getMessage());
    }
    if (!fields.hasOffset()) {
      return new CreatedAt(fields.local(), null);
    }
    long offsetMicros = fields.offsetSeconds() * 1_000_000L + fields.offsetMicros();
    if (Math.abs(offsetMicros) >= 86_400_000_000L) {
      throw invalid(text, "the UTC offset must be strictly between -24:00 and +24:00");
    }
    if (fields.offsetMicros() != 0) {
      throw invalid(text, "UTC offsets with fractional seconds are not supported");
    }
    if (Math.abs(fields.offsetSeconds()) > MAX_OFFSET_SECONDS) {
      throw invalid(text, "UTC offsets beyond 18 hours are not supported");
    }
    return new CreatedAt(fields.local(), ZoneOffset.ofTotalSeconds(fields.offsetSeconds()));
  }

  /** An aware value in UTC, truncated to microseconds. */
  public static CreatedAt of(Instant instant) {
    return new CreatedAt(
        LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC),
        ZoneOffset.UTC);
  }

  /** A naive value, truncated to microseconds. */
  public static CreatedAt of(LocalDateTime local) {
    return new CreatedAt(local.truncatedTo(ChronoUnit.MICROS), null);
  }

  /** Whether the value carries no offset. */
  public boolean isNaive() {
    return offset == null;
  }

  /**
   * The date routing uses: the local date as given, without converting to UTC (upstream quirk:
   * "2024-01-01T23:30:00-05:00" routes to 20240101 although it is 2024-01-02 in UTC).
   */
  public LocalDate routingDate() {
    return local.toLocalDate();
  }

  /** The instant in UTC; a naive value is taken to be UTC. */
  public Instant instant() {
    return local.toInstant(offset == null ? ZoneOffset.UTC : offset);
  }

  /**
   * The canonical text, Python's {@code isoformat()}: "YYYY-MM-DDTHH:MM:SS", then ".ffffff" when
   * the microseconds are not zero, then "+HH:MM" (or "+HH:MM:SS") for an aware value; UTC is
   * "+00:00". {@link #parse} reads it back to an equal value.
   */
  public String toIso() {
    StringBuilder sb = new StringBuilder(32);
    pad(sb, local.getYear(), 4).append('-');
    pad(sb, local.getMonthValue(), 2).append('-');
    pad(sb, local.getDayOfMonth(), 2).append('T');
    pad(sb, local.getHour(), 2).append(':');
    pad(sb, local.getMinute(), 2).append(':');
    pad(sb, local.getSecond(), 2);
    int micros = local.getNano() / 1000;
    if (micros != 0) {
      pad(sb.append('.'), micros, 6);
    }
    if (offset != null) {
      int total = offset.getTotalSeconds();
      sb.append(total < 0 ? '-' : '+');
      total = Math.abs(total);
      pad(sb, total / 3600, 2).append(':');
      pad(sb, total / 60 % 60, 2);
      if (total % 60 != 0) {
        pad(sb.append(':'), total % 60, 2);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return toIso();
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }

  private static InvalidCreatedAtException invalid(String text, String reason) {
    return new InvalidCreatedAtException("Invalid created_at " + Quoted.of(text) + ": " + reason);
  }
}
