package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JIT {@code bin/des} picks: C1 alone for a command on a local store (C2 compiling took a fifth
 * of a pack's CPU), the JVM's default for one that names an {@code s3://} store (over plain http the
 * AWS SDK signs every uploaded byte with SHA-256, which only C2 runs on the CPU's SHA instructions:
 * 65 MB/s against 1.2 GB/s; docs/performance.md), and JAVA_OPTS overriding either; and the
 * class-data-sharing archive the build makes for it.
 */
class LauncherTest {
  private static final Pattern TIERED = Pattern.compile("intx TieredStopAtLevel\\s+= (\\d+)");

  /** The TieredStopAtLevel of the JVM that {@code bin/des args} starts (it prints its flags first). */
  private static int tieredStopAtLevel(String javaOpts, String... args) throws IOException, InterruptedException {
    String out = run("-Xmx64m -XX:+PrintFlagsFinal " + javaOpts, args);
    Matcher m = TIERED.matcher(out);
    assertThat(m.find()).as("flags printed by bin/des: %s", out.length() > 2000 ? out.substring(0, 2000) : out).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  void aLocalStoreRunsOnC1() throws Exception {
    assertThat(tieredStopAtLevel("", "ls", "--store", "/nonexistent/des-launcher-test")).isEqualTo(1);
  }

  @Test
  void anS3StoreKeepsC2() throws Exception {
    assertThat(tieredStopAtLevel("", "ls", "--store", "s3://bucket/prefix")).isEqualTo(4);
    assertThat(tieredStopAtLevel("", "ls", "--store=s3://bucket/prefix")).isEqualTo(4);
  }

  /** What {@code bin/des args} prints with {@code javaOpts} in JAVA_OPTS. */
  private static String run(String javaOpts, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Repo.path("bin/des").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_OPTS", javaOpts);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void theBuildsClassDataSharingArchiveIsUsed() throws Exception {
    // cli's package phase made cli/target/des.jsa for this jar and this java (cds-archive.sh).
    assertThat(run("-Xmx64m -Xlog:class+load=info", "--version"))
        .contains("io.des.cli.DesCommand source: shared objects file");
  }

  @Test
  void javaOptsOverrideTheLauncher() throws Exception {
    assertThat(tieredStopAtLevel("-XX:TieredStopAtLevel=4", "--version")).isEqualTo(4);
  }
}
