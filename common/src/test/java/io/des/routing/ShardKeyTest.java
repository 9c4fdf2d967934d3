package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ShardKeyTest {

  @Test
  void namesItsPrefixObjectKeyAndText() {
    ShardKey key = ShardKey.parse("20240517_39");
    assertThat(key).isEqualTo(new ShardKey("20240517", "39"));
    assertThat(key.prefix()).isEqualTo("20240517_39_");
    assertThat(key.objectKey()).isEqualTo("20240517/39.des");
    assertThat(key.toString()).isEqualTo("20240517_39");
    assertThat(key.date()).isEqualTo(LocalDate.of(2024, 5, 17));
  }

  @Test
  void acceptsUnpaddedYearsBelowOneThousand() {
    assertThat(new ShardKey("9990101", "C").date()).isEqualTo(LocalDate.of(999, 1, 1));
    assertThat(new ShardKey("10101", "0").date()).isEqualTo(LocalDate.of(1, 1, 1));
    assertThat(ShardKey.parse("99991231_FFFF").prefix()).isEqualTo("99991231_FFFF_");
  }

  @Test
  void prefixOfOneShardDoesNotMatchAnotherWithTheSameLeadingDigit() {
    assertThat(new ShardKey("20240101", "1F").prefix()).doesNotStartWith(new ShardKey("20240101", "1").prefix());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024010", "202401010", "02024010", "20241301", "20230229", "2024-01-01", "", "1010"})
  void rejectsDateDirsThatAreNotUnpaddedDates(String dateDir) {
    assertThatThrownBy(() -> new ShardKey(dateDir, "39"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid date directory '"
                + dateDir
                + "': expected an unpadded year (1..9999) followed by MMDD, such as 20240101 or 9990101");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5c", "12345", "G", "-1", " 1"})
  void rejectsHexThatIsNotOneToFourUppercaseDigits(String hex) {
    assertThatThrownBy(() -> new ShardKey("20240101", hex))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid shard hex '" + hex + "': expected 1 to 4 uppercase hex digits");
  }

  @ParameterizedTest
  @ValueSource(strings = {"20240101", "20240101_39_0000", "20240101-39"})
  void parseRejectsTextWithoutExactlyOneUnderscore(String text) {
    assertThatThrownBy(() -> ShardKey.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid shard key '" + text + "': expected <dateDir>_<shardHex> such as 20240101_39");
  }

  /** A year of keys with 8 routing bits: hash maps of keys stay maps, not lists of collisions. */
  @Test
  void hashesOfAYearOfKeysAreAlmostAllDistinct() {
    java.util.Set<Integer> hashes = new java.util.HashSet<>();
    int keys = 0;
    for (LocalDate d = LocalDate.of(2024, 1, 1); d.getYear() == 2024; d = d.plusDays(1)) {
      String dateDir = d.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
      for (int i = 0; i < 256; i++) {
        ShardKey key = new ShardKey(dateDir, String.format("%02X", i));
        assertThat(key).isEqualTo(new ShardKey(dateDir, String.format("%02X", i))).hasSameHashCodeAs(new ShardKey(dateDir, String.format("%02X", i)));
        hashes.add(key.hashCode());
        keys++;
      }
    }
    assertThat(hashes.size()).as("distinct hashes of %d keys", keys).isGreaterThan(keys * 99 / 100);
  }
}
