package io.des.routing;

import java.util.Arrays;

/**
 * Python's idea of a digit, frozen at Unicode 15.0 (Python 3.12 and 3.13; Python 3.11 lacks only the
 * Kawi and Nag Mundari digits). Tables instead of {@link Character#isDigit} because the JDK's
 * Unicode version moves with the JDK (Java 17 knows 650 decimal digits, Python 3.12 knows 680) and
 * routing must not change when the JDK is upgraded.
 */
final class PythonDigits {

  /**
   * The first code point of every run of ten decimal digits (general category Nd, what {@code int()}
   * accepts); each run holds the values 0 to 9 in order. Generated with Python 3.12.1: {@code [c for c
   * in range(0x110000) if chr(c).isdecimal() and unicodedata.decimal(chr(c)) == 0]}.
   */
  private static final int[] DECIMAL_ZEROS = {
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0,
    0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0,
    0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950, 0x1FBF0
  };

  /**
   * Inclusive ranges of code points that {@code str.isdigit()} accepts but {@code int()} rejects
   * (Numeric_Type=Digit: superscripts, subscripts, circled and parenthesized digits, ...). Generated
   * with Python 3.12.1 from {@code chr(c).isdigit() and not chr(c).isdecimal()}; identical in 3.11.
   */
  private static final int[] DIGIT_ONLY_RANGES = {
    0xB2, 0xB3, 0xB9, 0xB9, 0x1369, 0x1371, 0x19DA, 0x19DA, 0x2070, 0x2070, 0x2074, 0x2079, 0x2080,
    0x2089, 0x2460, 0x2468, 0x2474, 0x247C, 0x2488, 0x2490, 0x24EA, 0x24EA, 0x24F5, 0x24FD, 0x24FF,
    0x24FF, 0x2776, 0x277E, 0x2780, 0x2788, 0x278A, 0x2792, 0x10A40, 0x10A43, 0x10E60, 0x10E68,
    0x11052, 0x1105A, 0x1F100, 0x1F10A
  };

  private PythonDigits() {}

  /** The value 0-9 of a decimal digit as Python's {@code int()} reads it, or -1. */
  static int decimalValue(int codePoint) {
    if (codePoint >= '0' && codePoint <= '9') {
      return codePoint - '0';
    }
    if (codePoint < DECIMAL_ZEROS[1]) {
      return -1;
    }
    int i = Arrays.binarySearch(DECIMAL_ZEROS, codePoint);
    if (i >= 0) {
      return 0;
    }
    int zero = DECIMAL_ZEROS[-i - 2];
    return codePoint - zero < 10 ? codePoint - zero : -1;
  }

  /** Whether Python's {@code str.isdigit()} accepts this code point although {@code int()} does not. */
  static boolean isDigitButNotDecimal(int codePoint) {
    if (codePoint < DIGIT_ONLY_RANGES[0]) {
      return false;
    }
    for (int i = 0; i < DIGIT_ONLY_RANGES.length; i += 2) {
      if (codePoint < DIGIT_ONLY_RANGES[i]) {
        return false;
      }
      if (codePoint <= DIGIT_ONLY_RANGES[i + 1]) {
        return true;
      }
    }
    return false;
  }
}
