package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Replays golden/routing/created-at-py311.tsv: about 2,000 strings and what Python 3.11's
 * fromisoformat (after upstream's Z replacement) made of them. Python 3.11.7, 3.12.1 and 3.13.0
 * produce the same file.
 */
class CreatedAtGoldenTest {

  private static final Pattern ESCAPE = Pattern.compile("\\\\u\\{([0-9A-F]+)\\}");
  // Python-valid offsets that ZoneOffset cannot hold: fractional seconds or beyond +-18:00.
  private static final Pattern UNSUPPORTED_OFFSET =
      Pattern.compile(".*[+-](?:(?:1[89]|2\\d):\\d\\d(?::\\d\\d)?|\\d\\d:\\d\\d:\\d\\d\\.\\d+)$");

  record Case(String input, String expected) {}

  @Test
  void agreesWithPythonOnEveryCorpusString() throws IOException {
    List<Case> cases = load();
    assertThat(cases).hasSizeGreaterThan(2000);
    int accepted = 0;
    for (Case c : cases) {
      boolean pythonRejects = c.expected().equals("ERROR");
      boolean unsupported = !pythonRejects && UNSUPPORTED_OFFSET.matcher(c.expected()).matches()
          && !c.expected().endsWith("+18:00") && !c.expected().endsWith("-18:00");
      if (pythonRejects || unsupported) {
        assertThatThrownBy(() -> CreatedAt.parse(c.input()))
            .as("input %s", Quoted.of(c.input()))
            .isExactlyInstanceOf(InvalidCreatedAtException.class)
            .hasMessageStartingWith("Invalid created_at ");
      } else {
        assertThat(CreatedAt.parse(c.input()).toIso())
            .as("input %s", Quoted.of(c.input()))
            .isEqualTo(c.expected());
        accepted++;
      }
    }
    assertThat(accepted).isGreaterThan(450);
  }

  private static List<Case> load() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = CreatedAtGoldenTest.class.getResourceAsStream("/golden/routing/created-at-py311.tsv")) {
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      for (String line : text.split("\n")) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        int tab = line.lastIndexOf('\t');
        cases.add(new Case(unescape(line.substring(0, tab)), line.substring(tab + 1)));
      }
    }
    return cases;
  }

  private static String unescape(String s) {
    Matcher m = ESCAPE.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, "");
      sb.appendCodePoint(Integer.parseInt(m.group(1), 16));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
