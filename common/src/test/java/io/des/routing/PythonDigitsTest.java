package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PythonDigitsTest {

  @Test
  void everyJdkDecimalDigitIsAPythonDecimalDigitWithTheSameValue() {
    // The JDK's Unicode (13.0 in Java 17) is older than the table's 15.0, so it must be a subset.
    int count = 0;
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
        assertThat(PythonDigits.decimalValue(cp)).as("U+%04X", cp).isEqualTo(Character.digit(cp, 10));
        count++;
      }
    }
    assertThat(count).isGreaterThanOrEqualTo(650);
  }

  @Test
  void tableHasExactlyPythonsDecimalAndDigitCounts() {
    int decimals = 0;
    int digitOnly = 0;
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (PythonDigits.decimalValue(cp) >= 0) {
        decimals++;
      }
      if (PythonDigits.isDigitButNotDecimal(cp)) {
        digitOnly++;
        assertThat(PythonDigits.decimalValue(cp)).isEqualTo(-1);
        assertThat(Character.getType(cp)).as("U+%04X", cp).isEqualTo((int) Character.OTHER_NUMBER);
      }
    }
    // Python 3.12.1: 680 code points pass isdecimal(), 128 more pass isdigit().
    assertThat(decimals).isEqualTo(680);
    assertThat(digitOnly).isEqualTo(128);
  }

  @Test
  void digitsNewerThanJava17AreStillDecimal() {
    assertThat(PythonDigits.decimalValue(0x11F59)).isEqualTo(9); // Kawi digit nine, Unicode 15
    assertThat(PythonDigits.decimalValue(0x1E4F0)).isZero(); // Nag Mundari digit zero, Unicode 15
    assertThat(PythonDigits.decimalValue(0x16AC5)).isEqualTo(5); // Tangsa digit five, Unicode 14
  }

  @Test
  void nonDigitsAreNotDigits() {
    assertThat(PythonDigits.decimalValue('a')).isEqualTo(-1);
    assertThat(PythonDigits.decimalValue('/')).isEqualTo(-1);
    assertThat(PythonDigits.decimalValue(':')).isEqualTo(-1);
    assertThat(PythonDigits.decimalValue(0x3280)).isEqualTo(-1);
    assertThat(PythonDigits.isDigitButNotDecimal(0x3280)).isFalse();
    assertThat(PythonDigits.isDigitButNotDecimal(0xB2)).isTrue();
    assertThat(PythonDigits.isDigitButNotDecimal(0x1F10A)).isTrue();
    assertThat(PythonDigits.isDigitButNotDecimal(0x1F10B)).isFalse();
  }
}
