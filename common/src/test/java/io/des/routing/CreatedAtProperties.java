package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CreatedAtProperties {

  @Property(tries = 2000)
  void anyStringParsesOrFailsWithInvalidCreatedAt(@ForAll String text) {
    assertParsesOrIsRejected(text);
  }

  @Property(tries = 3000)
  void anyIsoLookingStringParsesOrFailsWithInvalidCreatedAt(@ForAll("isoLooking") String text) {
    assertParsesOrIsRejected(text);
  }

  @Property
  void toIsoParsesBackToTheSameValue(@ForAll("createdAts") CreatedAt value) {
    assertThat(CreatedAt.parse(value.toIso())).isEqualTo(value);
  }

  private static void assertParsesOrIsRejected(String text) {
    try {
      CreatedAt parsed = CreatedAt.parse(text);
      assertThat(CreatedAt.parse(parsed.toIso())).isEqualTo(parsed);
    } catch (InvalidCreatedAtException expected) {
      assertThat(expected.getMessage()).startsWith("Invalid created_at ");
    }
  }

  @Provide
  Arbitrary<String> isoLooking() {
    return Arbitraries.strings()
        .withChars("0123456789-:T .,+ZzW\u00e9\u0000\uD800")
        .withCharRange('\uD83D', '\uD83D')
        .ofMinLength(0)
        .ofMaxLength(40)
        .map(s -> s.length() > 10 && s.charAt(0) != '2' ? "2024-01-01" + s.substring(10) : s);
  }

  @Provide
  Arbitrary<CreatedAt> createdAts() {
    Arbitrary<LocalDateTime> locals =
        Arbitraries.longs()
            .between(
                LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC))
            .map(s -> LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC));
    Arbitrary<Integer> micros = Arbitraries.integers().between(0, 999_999);
    Arbitrary<ZoneOffset> offsets =
        Arbitraries.integers()
            .between(-18 * 3600, 18 * 3600)
            .map(ZoneOffset::ofTotalSeconds)
            .injectNull(0.3);
    return Combinators.combine(locals, micros, offsets)
        .as((l, us, o) -> new CreatedAt(l.withNano(us * 1000), o));
  }
}
