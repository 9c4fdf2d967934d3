package io.des.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetGeneratorTest {
  private static final int FILES = 500;

  @TempDir Path tmp;

  @Test
  void sameSeedGivesIdenticalTreesWhateverTheThreads() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    DatasetGenerator.Summary summary = new DatasetGenerator(42).generate(a, FILES, 1, null);
    new DatasetGenerator(42).generate(b, FILES, 3, null);

    Map<String, FileFacts> treeA = tree(a);
    Map<String, FileFacts> treeB = tree(b);
    assertThat(treeA).hasSize(FILES);
    assertThat(treeB.keySet()).containsExactlyElementsOf(treeA.keySet());
    for (String name : treeA.keySet()) {
      FileFacts x = treeA.get(name);
      FileFacts y = treeB.get(name);
      assertThat(y.mtimeMillis()).as("mtime of %s", name).isEqualTo(x.mtimeMillis());
      assertThat(y.bytes()).as("bytes of %s", name).isEqualTo(x.bytes());
    }
    assertThat(summary.files()).isEqualTo(FILES);
    assertThat(summary.bytes()).isEqualTo(treeA.values().stream().mapToLong(f -> f.bytes().length).sum());
  }

  @Test
  void anotherSeedGivesAnotherTree() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    new DatasetGenerator(42).generate(a, 50, 1, null);
    new DatasetGenerator(43).generate(b, 50, 1, null);
    assertThat(tree(a).keySet()).isNotEqualTo(tree(b).keySet());
  }

  @Test
  void compositionIsRoughlyAsDocumented() throws IOException {
    Path dir = tmp.resolve("d");
    new DatasetGenerator(42).generate(dir, FILES, 2, null);
    Map<String, FileFacts> tree = tree(dir);

    long compressed = tree.values().stream().filter(f -> startsWithCompressedMagic(f.bytes())).count();
    assertThat((double) compressed / FILES).isBetween(1.0 / 3 - 0.10, 1.0 / 3 + 0.10);

    long[] sizes = tree.values().stream().mapToLong(f -> f.bytes().length).sorted().toArray();
    long median = sizes[sizes.length / 2];
    assertThat(median).isBetween(4L * 1024, 16L * 1024);
    assertThat(sizes[0]).as("at least one empty file").isZero();

    long folders = tree.keySet().stream().map(n -> n.substring(0, n.indexOf('/'))).distinct().count();
    assertThat(folders).isBetween(90L, 100L);

    Instant first = Instant.parse("2024-01-01T00:00:00Z");
    Instant last = Instant.parse("2024-01-08T00:00:00Z");
    assertThat(tree.values()).allSatisfy(f -> assertThat(Instant.ofEpochMilli(f.mtimeMillis())).isBetween(first, last));
  }

  @Test
  void manifestListsEveryFile() throws IOException {
    Path dir = tmp.resolve("d");
    Path manifest = tmp.resolve("manifest.json");
    DatasetGenerator generator = new DatasetGenerator(7);
    generator.generate(dir, 20, 1, null);
    generator.writeManifest(manifest, dir, 20);
    String json = Files.readString(manifest);
    assertThat(json).startsWith("[\n{\"uid\":\"d").endsWith("}\n]\n");
    List<String> lines = json.lines().filter(l -> l.startsWith("{")).toList();
    assertThat(lines).hasSize(20);
    for (Map.Entry<String, FileFacts> e : tree(dir).entrySet()) {
      String line = lines.stream().filter(l -> l.contains("\"uid\":\"" + e.getKey() + "\"")).findFirst().orElseThrow();
      assertThat(line)
          .contains("\"created_at\":\"" + Instant.ofEpochMilli(e.getValue().mtimeMillis()) + "\"")
          .contains("\"size_bytes\":" + e.getValue().bytes().length + ",")
          .contains("\"source_path\":\"" + dir.toAbsolutePath().resolve(e.getKey()) + "\"");
    }
  }

  @Test
  void refusesANonEmptyOutputFolder() throws IOException {
    Files.writeString(tmp.resolve("x"), "x");
    assertThatThrownBy(() -> new DatasetGenerator(42).generate(tmp, 1, 1, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not empty");
  }

  private static boolean startsWithCompressedMagic(byte[] b) {
    return startsWith(b, 0xFF, 0xD8, 0xFF, 0xE0)
        || startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)
        || startsWith(b, 0x1F, 0x8B)
        || startsWith(b, 'P', 'K', 3, 4);
  }

  private static boolean startsWith(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  record FileFacts(byte[] bytes, long mtimeMillis) {}

  private static Map<String, FileFacts> tree(Path root) throws IOException {
    Map<String, FileFacts> out = new TreeMap<>();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    for (Path p : files) {
      byte[] bytes;
      try (InputStream in = Files.newInputStream(p)) {
        bytes = in.readAllBytes();
      }
      out.put(root.relativize(p).toString().replace('\\', '/'),
          new FileFacts(bytes, Files.getLastModifiedTime(p).toMillis()));
    }
    return out;
  }
}
