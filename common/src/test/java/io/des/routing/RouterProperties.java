package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

class RouterProperties {

  @Property
  void asciiDigitStringsRouteToTheirValueModTwoToTheN(
      @ForAll @NumericChars @StringLength(min = 1, max = 200) String digits,
      @ForAll @IntRange(min = 4, max = 16) int nBits) {
    int expected = new BigInteger(digits).mod(BigInteger.ONE.shiftLeft(nBits)).intValue();
    assertThat(new Router(nBits).shardIndex(digits)).isEqualTo(expected);
  }

  @Property
  void stringsWithALetterRouteByCrc32(
      @ForAll @StringLength(max = 50) String prefix,
      @ForAll @CharRange(from = 'a', to = 'z') char letter,
      @ForAll @IntRange(min = 4, max = 16) int nBits) {
    String uid = prefix.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF) ? "x" : prefix + letter;
    CRC32 crc = new CRC32();
    crc.update(uid.getBytes(StandardCharsets.UTF_8));
    int expected = (int) (crc.getValue() & ((1 << nBits) - 1));
    assertThat(new Router(nBits).shardIndex(uid)).isEqualTo(expected);
  }

  @Property
  void everyIndexHasAHexNameThatParsesBack(
      @ForAll @IntRange(min = 4, max = 16) int nBits, @ForAll @IntRange(min = 0, max = 65535) int raw) {
    Router router = new Router(nBits);
    int index = raw & ((1 << nBits) - 1);
    String hex = router.shardHex(index);
    assertThat(Integer.parseInt(hex, 16)).isEqualTo(index);
    assertThat(hex.length()).isGreaterThanOrEqualTo(Math.max(1, nBits / 4));
    assertThat(ShardKey.parse("20240101_" + hex).shardHex()).isEqualTo(hex);
  }
}
