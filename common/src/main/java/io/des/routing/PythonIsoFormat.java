package io.des.routing;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A port of CPython 3.11's C {@code datetime.fromisoformat} (Modules/_datetimemodule.c), so that DES
 * accepts exactly the created_at strings upstream accepts. It deliberately keeps the C quirks: the
 * date/time separator may be any character, the input is scanned as NUL-terminated UTF-8 (an
 * embedded U+0000 ends some fields early), fractions longer than six digits are truncated, and
 * time-zone minutes are not range-checked ("+01:99" is 2 h 39 min). Checked against Python 3.11.2,
 * 3.11.7 and 3.12.1 with the corpus in {@code golden/routing/}.
 */
final class PythonIsoFormat {

  /** The fields of a parsed string; offsetSeconds and offsetMicros are meaningful when hasOffset. */
  record Fields(
      LocalDateTime local, boolean hasOffset, int offsetSeconds, int offsetMicros) {}

  /** Why a string was rejected; cheap (no stack trace) because rejection is an expected outcome. */
  static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final String NOT_ISO = "not an ISO 8601 date or date-time";
  private static final int[] FRACTION_CORRECTION = {100000, 10000, 1000, 100, 10};

  // Parser state: the UTF-8 bytes followed by a NUL, as the C code sees them.
  private final byte[] b;
  private int hour;
  private int minute;
  private int second;
  private int micro;

  private PythonIsoFormat(byte[] utf8WithNul) {
    this.b = utf8WithNul;
  }

  /** Parses like {@code datetime.fromisoformat(s)} or throws {@link Rejected} with the reason. */
  static Fields parse(String s) {
    int[] cps = s.codePoints().toArray();
    if (cps.length < 7) {
      throw new Rejected(NOT_ISO);
    }
    // C: a surrogate is tolerated only as the separator, at code point 7, 8 or 10; it becomes 'T'.
    for (int pos : new int[] {7, 8, 10}) {
      if (pos > cps.length) {
        break;
      }
      if (pos < cps.length && Character.getType(cps[pos]) == Character.SURROGATE) {
        cps[pos] = 'T';
        break;
      }
    }
    byte[] utf8 = utf8WithNul(cps);
    return new PythonIsoFormat(utf8).parseDateTime(utf8.length - 1);
  }

  private Fields parseDateTime(int len) {
    int sep = findSeparator(len);
    int[] ymd = new int[3];
    int rv = parseDate(sep, ymd);
    boolean hasOffset = false;
    int[] tz = new int[2];
    if (rv == 0 && len > sep) {
      int p = sep;
      int lead = b[p] & 0xFF;
      // C skips one UTF-8 character by looking only at the lead byte.
      if ((lead & 0x80) == 0) {
        p += 1;
      } else if ((lead & 0xF0) == 0xE0) {
        p += 3;
      } else if ((lead & 0xF0) == 0xF0) {
        p += 4;
      } else {
        p += 2;
      }
      rv = parseTime(p, len, tz);
      hasOffset = rv == 1;
    }
    if (rv < 0) {
      throw new Rejected(NOT_ISO);
    }
    if (ymd[0] < 1 || ymd[0] > 9999) {
      throw new Rejected("year " + ymd[0] + " is outside 1..9999");
    }
    LocalDateTime local;
    try {
      local = LocalDateTime.of(ymd[0], ymd[1], ymd[2], hour, minute, second, micro * 1000);
    } catch (DateTimeException e) {
      // Python's datetime constructor rejects the same fields (month 13, 24:00, Feb 30, ...).
      throw new Rejected(NOT_ISO);
    }
    return new Fields(local, hasOffset, tz[0], tz[1]);
  }

  private int at(int i) {
    return i < b.length ? b[i] & 0xFF : 0;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /** Returns the value of n ASCII digits at p, or -1; C's parse_digits. */
  private int digits(int p, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      int c = at(p + i);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private int findSeparator(int len) {
    if (len == 7) {
      return 7;
    }
    if (at(4) == '-') {
      if (at(5) == 'W') {
        if (len > 8 && at(8) == '-') {
          if (len == 9) {
            return -1;
          }
          return len > 10 && isDigit(at(10)) ? 8 : 10;
        }
        return 8;
      }
      return 10;
    }
    if (at(4) == 'W') {
      int idx = 7;
      while (idx < len && isDigit(at(idx))) {
        idx++;
      }
      if (idx < 9) {
        return idx;
      }
      return idx % 2 == 0 ? 7 : 8;
    }
    return 8;
  }

  /** C's parse_isoformat_date: 0 on success, negative on failure; len -1 means "unbounded". */
  private int parseDate(int len, int[] ymd) {
    int year = digits(0, 4);
    if (year < 0) {
      return -1;
    }
    int p = 4;
    boolean usesSeparator = at(p) == '-';
    if (usesSeparator) {
      p++;
    }
    if (at(p) == 'W') {
      p++;
      int week = digits(p, 2);
      if (week < 0) {
        return -3;
      }
      p += 2;
      int day = 1;
      if (len < 0 || p < len) {
        if (usesSeparator && at(p++) != '-') {
          return -2;
        }
        day = digits(p, 1);
        if (day < 0) {
          return -4;
        }
      }
      return isoWeekToDate(year, week, day, ymd);
    }
    int month = digits(p, 2);
    if (month < 0) {
      return -1;
    }
    p += 2;
    if (usesSeparator && at(p++) != '-') {
      return -2;
    }
    int day = digits(p, 2);
    if (day < 0) {
      return -1;
    }
    ymd[0] = year;
    ymd[1] = month;
    ymd[2] = day;
    return 0;
  }

  private static int isoWeekToDate(int year, int week, int day, int[] ymd) {
    if (year < 1 || year > 9999) {
      return -4;
    }
    LocalDate jan1 = LocalDate.of(year, 1, 1);
    int jan1Weekday = jan1.getDayOfWeek().getValue() - 1; // Monday = 0, as in C
    if (week <= 0 || week >= 53) {
      boolean longYear = jan1Weekday == 3 || (jan1Weekday == 2 && jan1.isLeapYear());
      if (week != 53 || !longYear) {
        return -2;
      }
    }
    if (day <= 0 || day >= 8) {
      return -3;
    }
    LocalDate week1Monday = jan1.minusDays(jan1Weekday).plusDays(jan1Weekday > 3 ? 7 : 0);
    LocalDate date = week1Monday.plusDays((week - 1) * 7L + day - 1);
    ymd[0] = date.getYear();
    ymd[1] = date.getMonthValue();
    ymd[2] = date.getDayOfMonth();
    return 0;
  }

  /**
   * C's parse_hh_mm_ss_ff over [p, end): 0 when the string ends there, 1 when something follows,
   * negative on failure. Fills out[0..3] with hour, minute, second, microsecond.
   */
  private int parseHhMmSsFf(int p, int end, int[] out) {
    out[0] = out[1] = out[2] = out[3] = 0;
    boolean hasSeparator = true;
    for (int i = 0; i < 3; i++) {
      int v = digits(p, 2);
      if (v < 0) {
        return -3;
      }
      out[i] = v;
      p += 2;
      int c = at(p++);
      if (i == 0) {
        hasSeparator = c == ':';
      }
      if (p >= end) {
        return c != 0 ? 1 : 0;
      } else if (hasSeparator && c == ':') {
        continue;
      } else if (c == '.' || c == ',') {
        break;
      } else if (!hasSeparator) {
        p--;
      } else {
        return -4;
      }
    }
    int toParse = Math.min(end - p, 6);
    int fraction = digits(p, toParse);
    if (fraction < 0) {
      return -3;
    }
    p += toParse;
    out[3] = toParse < 6 ? fraction * FRACTION_CORRECTION[toParse - 1] : fraction;
    while (isDigit(at(p))) {
      p++;
    }
    return at(p) != 0 ? 1 : 0;
  }

  /** C's parse_isoformat_time: 0 naive, 1 with offset (tz[0] seconds, tz[1] microseconds), < 0 bad. */
  private int parseTime(int start, int end, int[] tz) {
    int tzPos = start;
    do {
      int c = at(tzPos);
      if (c == 'Z' || c == '+' || c == '-') {
        break;
      }
    } while (++tzPos < end);

    int[] t = new int[4];
    int rv = parseHhMmSsFf(start, tzPos, t);
    hour = t[0];
    minute = t[1];
    second = t[2];
    micro = t[3];
    if (rv < 0) {
      return rv;
    } else if (tzPos == end) {
      return rv == 1 ? -5 : 0;
    }
    if (at(tzPos) == 'Z') {
      return at(tzPos + 1) != 0 ? -5 : 1;
    }
    int sign = at(tzPos) == '-' ? -1 : 1;
    int[] o = new int[4];
    rv = parseHhMmSsFf(tzPos + 1, end, o);
    tz[0] = sign * (o[0] * 3600 + o[1] * 60 + o[2]);
    tz[1] = sign * o[3];
    return rv != 0 ? -5 : 1;
  }

  private static byte[] utf8WithNul(int[] cps) {
    int n = 0;
    for (int cp : cps) {
      if (Character.getType(cp) == Character.SURROGATE) {
        throw new Rejected("contains an unpaired surrogate");
      }
      n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    byte[] out = new byte[n + 1];
    int i = 0;
    for (int cp : cps) {
      if (cp < 0x80) {
        out[i++] = (byte) cp;
      } else if (cp < 0x800) {
        out[i++] = (byte) (0xC0 | cp >> 6);
        out[i++] = (byte) (0x80 | cp & 0x3F);
      } else if (cp < 0x10000) {
        out[i++] = (byte) (0xE0 | cp >> 12);
        out[i++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[i++] = (byte) (0x80 | cp & 0x3F);
      } else {
        out[i++] = (byte) (0xF0 | cp >> 18);
        out[i++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[i++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[i++] = (byte) (0x80 | cp & 0x3F);
      }
    }
    return out;
  }
}
