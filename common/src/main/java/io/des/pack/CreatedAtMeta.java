package io.des.pack;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The {@code created_at} meta value: UTC, ISO 8601 with Z, microseconds only when non-zero (upstream's form). */
final class CreatedAtMeta {
  private CreatedAtMeta() {}

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  static String format(Instant instant) {
    int micros = instant.getNano() / 1000;
    if (micros == 0) {
      return SECONDS.format(instant) + "Z";
    }
    String frac = Integer.toString(micros);
    return SECONDS.format(instant) + "." + "000000".substring(frac.length()) + frac + "Z";
  }
}
