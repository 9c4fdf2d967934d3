package io.des.coordinator;

import io.des.job.SourceKind;
import java.io.IOException;
import java.util.Map;

/** A {@link FileSource} for tests: a name, a kind, a description, and what each scan returns or throws. */
record FakeSource(String name, SourceKind kind, Map<String, Object> describe, Scanner scanner) implements FileSource {

  /** One scan's outcome. */
  @FunctionalInterface
  interface Scanner {
    Scan scan() throws IOException;
  }

  /** A landing source that describes itself as nothing. */
  static FakeSource landing(String name, Scanner scanner) {
    return new FakeSource(name, SourceKind.LANDING, Map.of(), scanner);
  }

  @Override
  public Scan scan(int maxFiles) throws IOException {
    return scanner.scan();
  }
}
