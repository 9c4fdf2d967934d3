package io.des.routing;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Upstream DES routing ({@code des_core/routing.py}), byte for byte: the same UID, date and n_bits
 * give the same shard index, hex name and date directory as the Python code. Immutable and
 * thread-safe. Where upstream crashes (a UID with digits that {@code int()} rejects, or with an
 * unpaired surrogate) this throws {@link InvalidUidException} instead.
 *
 * @param nBits the number of shard bits, 4 to 16; upstream's default is 8
 */
public record Router(int nBits) {

  public static final int DEFAULT_N_BITS = 8;
  public static final int MIN_N_BITS = 4;
  public static final int MAX_N_BITS = 16;

  public Router {
    if (nBits < MIN_N_BITS || nBits > MAX_N_BITS) {
      throw new IllegalArgumentException("n_bits must be between 4 and 16, inclusive.");
    }
  }

  /** A router with upstream's default of 8 bits (256 shards per day). */
  public static Router withDefaultBits() {
    return new Router(DEFAULT_N_BITS);
  }

  /** The number of shards per day, 2^nBits. */
  public int shardCount() {
    return 1 << nBits;
  }

  /**
   * The shard index of a UID: its decimal value mod 2^nBits when Python's {@code str.isdigit()}
   * accepts every character (any length, leading zeros and non-ASCII decimal digits allowed),
   * otherwise CRC-32 of its UTF-8 bytes masked to nBits.
   *
   * @throws InvalidUidException for digits that {@code isdigit()} accepts but {@code int()} does
   *     not (superscripts, circled digits, ...), and for unpaired surrogates
   */
  public int shardIndex(String uid) {
    Objects.requireNonNull(uid, "uid");
    int mask = (1 << nBits) - 1;
    // The value mod 2^n needs only the low bits, so no BigInteger: (v * 10 + d) mod 2^n stays exact.
    int value = 0;
    boolean allDecimal = !uid.isEmpty();
    int firstDigitOnly = -1;
    for (int i = 0; i < uid.length(); ) {
      int cp = uid.codePointAt(i);
      if (Character.getType(cp) == Character.SURROGATE) {
        throw new InvalidUidException(
            String.format(
                "Invalid UID %s: unpaired surrogate U+%04X at index %d cannot be encoded as UTF-8",
                Quoted.of(uid), cp, i));
      }
      if (allDecimal) {
        int d = PythonDigits.decimalValue(cp);
        if (d >= 0) {
          value = (value * 10 + d) & mask;
        } else if (PythonDigits.isDigitButNotDecimal(cp)) {
          if (firstDigitOnly < 0) {
            firstDigitOnly = i;
          }
        } else {
          allDecimal = false;
        }
      }
      i += Character.charCount(cp);
    }
    if (allDecimal && firstDigitOnly >= 0) {
      throw new InvalidUidException(
          String.format(
              "Invalid UID %s: U+%04X at index %d is a digit to Python's str.isdigit() but not a"
                  + " decimal digit, so upstream's int() fails on it",
              Quoted.of(uid), uid.codePointAt(firstDigitOnly), firstDigitOnly));
    }
    if (allDecimal) {
      return value;
    }
    CRC32 crc = new CRC32();
    crc.update(uid.getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue() & mask;
  }

  /**
   * The shard's hex name: uppercase, zero-padded to at least max(1, nBits / 4) digits. The width is
   * a minimum, so names have variable length when nBits is not a multiple of 4 (upstream quirk,
   * kept for compatibility: n_bits 5 gives "C" for 12 and "1C" for 28).
   *
   * @throws IllegalArgumentException "shard_index N outside range 0..M"
   */
  public String shardHex(int index) {
    int max = (1 << nBits) - 1;
    if (index < 0 || index > max) {
      throw new IllegalArgumentException("shard_index " + index + " outside range 0.." + max);
    }
    String hex = Integer.toHexString(index).toUpperCase(java.util.Locale.ROOT);
    int width = Math.max(1, nBits / 4);
    return hex.length() >= width ? hex : "0".repeat(width - hex.length()) + hex;
  }

  /**
   * The date directory, Python's {@code strftime("%Y%m%d")} on glibc: the year is not padded, so
   * year 999 gives "9990101" and year 5 gives "50101".
   *
   * @throws IllegalArgumentException for years outside Python's 1..9999
   */
  public static String dateDir(LocalDate date) {
    int year = date.getYear();
    if (year < 1 || year > 9999) {
      throw new IllegalArgumentException("year " + year + " outside range 1..9999");
    }
    int month = date.getMonthValue();
    int day = date.getDayOfMonth();
    return year + (month < 10 ? "0" : "") + month + (day < 10 ? "0" : "") + day;
  }

  /** The shard key of a UID created on the given (local, as given) date. */
  public ShardKey route(String uid, LocalDate date) {
    return new ShardKey(dateDir(date), shardHex(shardIndex(uid)));
  }

  /** The shard key of a UID, routed on {@link CreatedAt#routingDate()} like upstream. */
  public ShardKey route(String uid, CreatedAt createdAt) {
    return route(uid, createdAt.routingDate());
  }
}
