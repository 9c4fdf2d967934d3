package io.des.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder scans: order, uids, and a tree that changes while it is walked. */
class FolderScannerTest {
  @TempDir Path tmp;

  @Test
  void filesDeletedDuringTheWalkAreLeftOutNotFatal() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      Files.writeString(tmp.resolve(name), name);
    }
    Files.createDirectories(tmp.resolve("d"));
    Files.writeString(tmp.resolve("d/e"), "e");
    List<String> seen = new ArrayList<>();
    FolderScanner.scan(tmp, f -> {
      seen.add(f.uid());
      if (f.uid().equals("a")) {
        Files.delete(tmp.resolve("b")); // listed already, gone before its turn
        Files.delete(tmp.resolve("d/e"));
        Files.delete(tmp.resolve("d"));
      }
    });
    assertThat(seen).containsExactly("a", "c");
  }
}
