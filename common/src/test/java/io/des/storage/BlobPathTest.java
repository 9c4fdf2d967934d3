package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class BlobPathTest {

  @Test
  void refusesEmptyDotAndDotDotSegmentsNulAndBackslash() {
    for (String bad : new String[] {"", "/a", "a/", "a//b", ".", "..", "a/./b", "a/../b", "a/..", "./a", "a\0b", "a\\b"}) {
      assertThatThrownBy(() -> BlobPath.of(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
    }
    for (String good : new String[] {"a", "a/b", "...", "a/.b/..c", ".hidden", "20240101_AB_0000.des", "é/😀"}) {
      assertThat(BlobPath.of(good).key()).isEqualTo(good);
    }
  }

  @Test
  void theLimitIsInUtf8BytesNotCharacters() {
    assertThat(BlobPath.of("a".repeat(1024)).key()).hasSize(1024);
    assertThatThrownBy(() -> BlobPath.of("a".repeat(1025))).hasMessageContaining("longer than 1024 bytes");
    assertThat(BlobPath.of("é".repeat(512)).key()).hasSize(512); // 1024 bytes
    assertThatThrownBy(() -> BlobPath.of("é".repeat(512) + "a")).hasMessageContaining("longer than 1024 bytes");
    assertThat(BlobPath.of("😀".repeat(256)).key()).hasSize(512); // four bytes each
    assertThatThrownBy(() -> BlobPath.of("😀".repeat(256) + "a")).hasMessageContaining("longer than 1024 bytes");
    assertThat(BlobPath.of("€".repeat(341) + "a").key()).hasSize(342); // 1,024 bytes
  }

  /** The one-pass check accepts exactly the keys the plain definition does. */
  @Property(tries = 3000)
  void agreesWithTheDefinition(@ForAll("keys") String key) {
    boolean valid;
    try {
      BlobPath.of(key);
      valid = true;
    } catch (IllegalArgumentException e) {
      valid = false;
    }
    assertThat(valid).as("'%s'", key).isEqualTo(definition(key));
  }

  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> atoms = Arbitraries.of("a", "/", ".", "\\", "\0", "é", "€", "😀", "\uD800", "ab".repeat(200), "€".repeat(150));
    return atoms.list().ofMaxSize(12).map(l -> String.join("", l));
  }

  private static boolean definition(String key) {
    if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > BlobPath.MAX_KEY_BYTES) {
      return false;
    }
    if (key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
