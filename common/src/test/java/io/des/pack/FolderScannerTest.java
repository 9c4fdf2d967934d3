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
  void aFolderDeletedDuringTheWalkIsLeftOutNotFatal() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      Files.writeString(tmp.resolve(name), name);
    }
    Files.createDirectories(tmp.resolve("d"));
    Files.writeString(tmp.resolve("d/e"), "e");
    List<String> seen = new ArrayList<>();
    FolderScanner.scan(tmp, f -> {
      seen.add(f.uid());
      if (f.uid().equals("a")) {
        Files.delete(tmp.resolve("d/e")); // listed already, gone before its turn
        Files.delete(tmp.resolve("d"));
      }
    });
    assertThat(seen).containsExactly("a", "b", "c");
  }

  @Test
  void largeFoldersComeInNameOrderDepthFirstWithTheirSizes() throws Exception {
    // Enough entries that each folder is stat'ed in parallel; names written in reverse order.
    List<String> expected = new ArrayList<>();
    for (String folder : List.of("x", "y/z")) {
      Files.createDirectories(tmp.resolve(folder));
    }
    int n = FolderScanner.PARALLEL_STAT_MIN * 3;
    for (int i = n - 1; i >= 0; i--) {
      Files.writeString(tmp.resolve(String.format("x/f%04d", i)), "x".repeat(i));
      Files.writeString(tmp.resolve(String.format("y/z/g%04d", i)), "y".repeat(i));
      Files.writeString(tmp.resolve(String.format("h%04d", i)), "h".repeat(i));
    }
    for (String prefix : List.of("h", "x/f", "y/z/g")) {
      for (int i = 0; i < n; i++) {
        expected.add(String.format("%s%04d", prefix, i));
      }
    }
    List<String> seen = new ArrayList<>();
    FolderScanner.scan(tmp, f -> {
      seen.add(f.uid());
      assertThat(f.declaredSize()).as(f.uid()).isEqualTo(Long.parseLong(f.uid().substring(f.uid().length() - 4)));
      assertThat(f.path()).isEqualTo(tmp.resolve(f.uid()));
    });
    assertThat(seen).containsExactlyElementsOf(expected);
  }
}
