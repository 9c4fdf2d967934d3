package io.des.pack;

import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the upstream packing manifest, streaming: a JSON array of objects with {@code uid} (string
 * or number), {@code created_at} (ISO 8601), {@code size_bytes} (integer or numeric string) and
 * {@code source_path}; or a CSV file with a header row naming the same columns. Relative source
 * paths are resolved against the working directory, as upstream does. Each line yields either a
 * {@link SourceFile} or an {@link InputProblem}; memory does not grow with the manifest.
 */
public final class ManifestReader {
  // Items are read one at a time from a shared parser: what follows an item is the next item.
  private static final JsonMapper MAPPER =
      JsonMapper.builder().disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private ManifestReader() {}

  /** Reads a {@code .json} or {@code .csv} manifest (by extension; JSON otherwise). */
  public static void read(Path manifest, SourceSink files, Consumer<InputProblem> problems)
      throws IOException {
    read(manifest, manifest.toString(), files, problems);
  }

  /**
   * As {@link #read(Path, SourceSink, Consumer)}, naming the manifest {@code name} in problems and
   * origins, and telling CSV from JSON by it: a copy of a manifest kept elsewhere (an S3 landing).
   */
  public static void read(Path manifest, String name, SourceSink files, Consumer<InputProblem> problems)
      throws IOException {
    if (name.toLowerCase().endsWith(".csv")) {
      readCsv(manifest, name, files, problems);
    } else {
      readJson(manifest, name, files, problems);
    }
  }

  static void readJson(Path manifest, SourceSink files, Consumer<InputProblem> problems) throws IOException {
    readJson(manifest, manifest.toString(), files, problems);
  }

  private static void readJson(Path manifest, String name, SourceSink files, Consumer<InputProblem> problems)
      throws IOException {
    try (InputStream in = Files.newInputStream(manifest);
        JsonParser parser = MAPPER.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        problems.accept(new InputProblem(name, "a JSON manifest must be an array of objects"));
        return;
      }
      int index = 0;
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        JsonNode node = MAPPER.readTree(parser);
        String where = name + " item " + index++;
        line(where, text(node.get("uid")), text(node.get("created_at")), text(node.get("size_bytes")), text(node.get("source_path")), files, problems);
      }
      if (parser.currentToken() != JsonToken.END_ARRAY) {
        problems.accept(new InputProblem(name + " item " + index, "expected an object, found " + parser.currentToken()));
      }
    } catch (JacksonException e) {
      problems.accept(new InputProblem(name, "not valid JSON: " + e.getOriginalMessage()));
    }
  }

  static void readCsv(Path manifest, SourceSink files, Consumer<InputProblem> problems) throws IOException {
    readCsv(manifest, manifest.toString(), files, problems);
  }

  private static void readCsv(Path manifest, String name, SourceSink files, Consumer<InputProblem> problems)
      throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get();
    try (Reader reader = Files.newBufferedReader(manifest, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      for (String column : new String[] {"uid", "created_at"}) {
        if (!parser.getHeaderMap().containsKey(column)) {
          problems.accept(new InputProblem(name, "CSV header lacks the column '" + column + "'"));
          return;
        }
      }
      for (CSVRecord record : parser) {
        String where = name + " line " + parser.getCurrentLineNumber();
        line(where, get(record, "uid"), get(record, "created_at"), get(record, "size_bytes"), get(record, "source_path"), files, problems);
      }
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      problems.accept(new InputProblem(name, "not a valid CSV manifest: " + e.getMessage()));
    }
  }

  private static void line(
      String where, String uid, String createdAt, String size, String source,
      SourceSink files, Consumer<InputProblem> problems) throws IOException {
    if (uid == null || uid.isEmpty()) {
      problems.accept(new InputProblem(where, "uid is missing or empty"));
      return;
    }
    if (createdAt == null) {
      problems.accept(new InputProblem(where, "created_at is missing for UID '" + uid + "'"));
      return;
    }
    CreatedAt created;
    try {
      created = CreatedAt.parse(createdAt);
    } catch (InvalidCreatedAtException e) {
      problems.accept(new InputProblem(where, e.getMessage()));
      return;
    }
    long declared = -1;
    if (size != null && !size.isEmpty()) {
      try {
        declared = Long.parseLong(size);
      } catch (NumberFormatException e) {
        problems.accept(new InputProblem(where, "size_bytes '" + size + "' is not an integer"));
        return;
      }
      if (declared < 0) {
        problems.accept(new InputProblem(where, "size_bytes must be >= 0, got " + declared));
        return;
      }
    }
    if (source == null || source.isEmpty()) {
      problems.accept(new InputProblem(where, "source_path is required for UID '" + uid + "'"));
      return;
    }
    Path path;
    try {
      path = Path.of(source);
    } catch (java.nio.file.InvalidPathException e) {
      problems.accept(new InputProblem(where, "source_path is not a valid path: " + e.getMessage()));
      return;
    }
    files.accept(new SourceFile(uid, created, declared, path, where));
  }

  private static String text(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue().toString();
    }
    return node.isValueNode() ? node.asString() : node.toString();
  }

  private static String get(CSVRecord record, String column) {
    return record.isMapped(column) && record.isSet(column) ? record.get(column) : null;
  }
}
