package io.des.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream JSON manifest and its CSV twin. */
class ManifestReaderTest {
  @TempDir Path tmp;

  private final List<SourceFile> files = new ArrayList<>();
  private final List<InputProblem> problems = new ArrayList<>();

  @Test
  void readsUpstreamJsonIncludingNumericUidsAndStringSizes() throws Exception {
    Path m = tmp.resolve("m.json");
    Files.writeString(m, "[{\"uid\": 2, \"created_at\": \"2024-01-01T00:00:00Z\", \"size_bytes\": \"5\", \"source_path\": \"/x/a\"},"
        + "{\"uid\": \"b\", \"created_at\": \"2024-01-02\", \"size_bytes\": 7, \"source_path\": \"/x/b\"}]");
    ManifestReader.read(m, files::add, problems::add);
    assertThat(problems).isEmpty();
    assertThat(files).extracting(SourceFile::uid).containsExactly("2", "b");
    assertThat(files.get(0).declaredSize()).isEqualTo(5);
    assertThat(files.get(0).createdAt().instant().toString()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(files.get(1).path()).isEqualTo(Path.of("/x/b"));
  }

  @Test
  void reportsEachBadLine() throws Exception {
    Path m = tmp.resolve("m.json");
    Files.writeString(m, "[{\"uid\": \"a\", \"created_at\": \"not-a-date\", \"source_path\": \"/x\"},"
        + "{\"uid\": \"b\", \"created_at\": \"2024-01-01\"},"
        + "{\"uid\": \"\", \"created_at\": \"2024-01-01\", \"source_path\": \"/x\"},"
        + "{\"uid\": \"c\", \"created_at\": \"2024-01-01\", \"size_bytes\": \"ten\", \"source_path\": \"/x\"}]");
    ManifestReader.read(m, files::add, problems::add);
    assertThat(files).isEmpty();
    assertThat(problems.get(0).toString()).startsWith(m + " item 0: Invalid created_at 'not-a-date'");
    assertThat(problems.subList(1, 4)).extracting(InputProblem::toString).containsExactly(
        m + " item 1: source_path is required for UID 'b'",
        m + " item 2: uid is missing or empty",
        m + " item 3: size_bytes 'ten' is not an integer");
  }

  @Test
  void readsCsvWithTheSameColumns() throws Exception {
    Path m = tmp.resolve("m.csv");
    Files.writeString(m, "uid,created_at,size_bytes,source_path\nu1,2024-01-01T10:00:00+02:00,3,/x/u1\n\"u,2\",2024-01-01,,/x/u2\n");
    ManifestReader.read(m, files::add, problems::add);
    assertThat(problems).isEmpty();
    assertThat(files).extracting(SourceFile::uid).containsExactly("u1", "u,2");
    assertThat(files.get(1).declaredSize()).isEqualTo(-1);
  }

  @Test
  void aManifestThatIsNotAnArrayIsOneProblem() throws Exception {
    Path m = tmp.resolve("m.json");
    Files.writeString(m, "{\"uid\": 1}");
    ManifestReader.read(m, files::add, problems::add);
    assertThat(problems).extracting(InputProblem::reason).containsExactly("a JSON manifest must be an array of objects");
  }
}
