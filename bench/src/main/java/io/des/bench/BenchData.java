package io.des.bench;

import io.des.bench.DatasetGenerator.FileSpec;
import io.des.bench.DatasetGenerator.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Realistic benchmark inputs, made by {@link DatasetGenerator} so that they match the dataset, and
 * the clean-up of the folders benchmarks make.
 */
final class BenchData {
  private static final long MTIME = DatasetGenerator.START_MILLIS + 3L * 24 * 3600 * 1000;
  private static final Kind[] RECORDS = {Kind.LOG, Kind.JSON, Kind.CSV};
  private static final Kind[] DOCUMENTS = {Kind.MARKDOWN, Kind.HTML, Kind.TEXT};

  private BenchData() {}

  /** {@code count} different text records (log, JSON, CSV in turn) of exactly {@code size} bytes. */
  static byte[][] records(int count, int size) {
    return make(RECORDS, count, size);
  }

  /** {@code count} different documents (markdown, HTML, text in turn) of exactly {@code size} bytes. */
  static byte[][] documents(int count, int size) {
    return make(DOCUMENTS, count, size);
  }

  private static byte[][] make(Kind[] kinds, int count, int size) {
    DatasetGenerator generator = new DatasetGenerator(42);
    DatasetGenerator.Buffer buf = new DatasetGenerator.Buffer(size);
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      generator.fill(new FileSpec(i, kinds[i % kinds.length], 0, size, MTIME, 1000L + i), buf);
      out[i] = java.util.Arrays.copyOf(buf.bytes, size);
    }
    return out;
  }

  /** Deletes a folder and everything in it; nothing if it does not exist. */
  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
