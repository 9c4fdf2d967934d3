package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream zones file and DES's replicas, with upstream's validation messages. */
class ZonesConfigTest {
  @TempDir Path tmp;

  private ZonesConfig load(String name, String text) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return ZonesConfig.load(file);
  }

  @Test
  void readsUpstreamZonesAndReplicas() throws Exception {
    ZonesConfig c = load("zones.yaml", """
        n_bits: 4
        zones:
          - name: a
            range: {start: 0, end: 7}
            s3: {bucket: bucket-a, prefix: des, endpoint_url: "http://127.0.0.1:9000"}
            replicas:
              - s3: {bucket: bucket-a-copy}
              - store: /mnt/mirror
          - name: b
            range: {start: 8, end: 15}
            s3: {bucket: bucket-b}
        """);
    assertThat(c.nBits()).isEqualTo(4);
    assertThat(c.zones()).extracting(ZonesConfig.Zone::name).containsExactly("a", "b");
    assertThat(c.zones().get(0).replicas()).extracting(ZonesConfig.Location::store)
        .containsExactly("s3://bucket-a/des", "s3://bucket-a-copy", "/mnt/mirror");
    assertThat(c.zones().get(0).replicas().get(0).endpoint()).hasToString("http://127.0.0.1:9000");
  }

  @Test
  void jsonWorksAndGapsAreAllowed() throws Exception {
    ZonesConfig c = load("zones.json", "{\"n_bits\": 4, \"zones\": [{\"name\": \"a\", \"range\": {\"start\": 0, \"end\": 3}, \"s3\": {\"bucket\": \"x\"}}]}");
    assertThat(c.zones()).hasSize(1);
  }

  @Test
  void rejectsWhatUpstreamRejects() {
    assertThatThrownBy(() -> load("zones.yaml", "n_bits: 4\nzones:\n  - {name: a, range: {start: 0, end: 7}, s3: {bucket: x}}\n  - {name: b, range: {start: 7, end: 10}, s3: {bucket: y}}\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Overlapping zone range detected at index 1");
    assertThatThrownBy(() -> load("zones.yaml", "zones:\n  - {name: a, range: {start: 0, end: 7}}\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Each zone must have 'name', 'range', and 's3' sections");
    assertThatThrownBy(() -> load("zones.yaml", "n_bits: 4\nzones:\n  - {name: a, range: {start: 3, end: 16}, s3: {bucket: x}}\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Zone 'a' has range 3..16, expected 0 <= start <= end <= 15");
    assertThatThrownBy(() -> load("zones.yaml", "zones: []\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("At least one zone is required");
    assertThatThrownBy(() -> load("zones.txt", "zones: []\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Zones file must be .yaml, .yml or .json");
  }
}
