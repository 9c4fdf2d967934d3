package io.des.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packing memory follows the heap, not the input: a separate JVM with a 40 MiB heap packs about
 * 130 MB (files of up to 2 MiB, and thousands of small ones) and the result verifies.
 */
class BoundedMemoryTest {
  @TempDir Path tmp;

  @Test
  void packsThreeTimesTheHeapWithA40MiBHeap() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Random random = new Random(7);
    for (int i = 0; i < 60; i++) {
      byte[] big = new byte[1_000_000 + random.nextInt(1_000_000)];
      random.nextBytes(big);
      Files.write(src.resolve("big-" + i + ".bin"), big);
    }
    Path small = Files.createDirectories(src.resolve("small"));
    for (int i = 0; i < 3000; i++) {
      Files.writeString(small.resolve("r" + i + ".txt"), ("record " + i + " ").repeat(100 + random.nextInt(300)));
    }
    Path store = tmp.resolve("store");
    Process pack = des("-Xmx40m", "pack", src.toString(), "--store", store.toString(), "--no-progress");
    String out = new String(pack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(pack.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(pack.exitValue()).as(out).isZero();
    assertThat(out).contains("containing 3060 files");

    Process verify = des("-Xmx40m", "verify", "--store", store.toString(), "--no-progress");
    String report = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(verify.exitValue()).as(report).isZero();
    assertThat(report).contains("3,060 of 3,060 entries verified");
  }

  private static Process des(String heap, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, heap, "-cp", System.getProperty("java.class.path"), DesCommand.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    return p;
  }
}
