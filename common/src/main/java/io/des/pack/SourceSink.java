package io.des.pack;

import java.io.IOException;

/** Receives source files one at a time from a folder scan or a manifest; may throw to stop it. */
@FunctionalInterface
public interface SourceSink {
  void accept(SourceFile file) throws IOException;
}
