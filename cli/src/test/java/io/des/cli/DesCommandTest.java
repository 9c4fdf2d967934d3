package io.des.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The des command end to end on a local store: pack, get, ls, verify, and their failures. */
class DesCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run des(String... args) {
    CommandLine cli = DesCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path sampleFolder() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("docs"));
    Files.writeString(src.resolve("docs/a.txt"), "alpha ".repeat(500));
    Files.writeString(src.resolve("b.json"), "{\"b\":1}");
    Files.write(src.resolve("empty.bin"), new byte[0]);
    for (Path p : new Path[] {src.resolve("docs/a.txt"), src.resolve("b.json"), src.resolve("empty.bin")}) {
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-05-17T10:00:00Z")));
    }
    return src;
  }

  @Test
  void packGetLsVerifyRoundTrip() throws Exception {
    Path src = sampleFolder();
    Path store = tmp.resolve("store");
    Run pack = des("pack", src.toString(), "--store", store.toString(), "--no-progress");
    assertThat(pack.code()).as(pack.err()).isZero();
    assertThat(pack.out()).contains("Wrote ", "containing 3 files, total logical size 3007 bytes.", "SHARD: file:");

    Path out = tmp.resolve("a.out");
    Run get = des("get", "docs/a.txt", "--created-at", "2024-05-17", "--store", store.toString(), "-o", out.toString());
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(Files.readString(out)).isEqualTo("alpha ".repeat(500));

    Run ls = des("ls", "--store", store.toString(), "--date", "20240517");
    assertThat(ls.code()).isZero();
    assertThat(ls.out()).contains("20240517_");

    Run verify = des("verify", "--store", store.toString(), "--no-progress");
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("0 corrupt; 3 of 3 entries verified.");
  }

  @Test
  void packingTwiceSkipsEverything() throws Exception {
    Path src = sampleFolder();
    Path store = tmp.resolve("store");
    des("pack", src.toString(), "--store", store.toString(), "--no-progress");
    Run again = des("pack", src.toString(), "--store", store.toString(), "--no-progress");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("Wrote 0 shard(s) containing 0 files", "skipped 3 already packed");
  }

  @Test
  void upstreamDesPackFlagsWork() throws Exception {
    Path src = sampleFolder();
    Path manifest = tmp.resolve("to-pack.json");
    Files.writeString(manifest, "[{\"uid\": 12345, \"created_at\": \"2024-05-17T10:00:00Z\", \"size_bytes\": 7, \"source_path\": \""
        + src.resolve("b.json") + "\"}]");
    Path out = tmp.resolve("out");
    Run pack = des("pack", "--input-json", manifest.toString(), "--output-dir", out.toString(), "--max-shard-size", "1000000", "--n-bits", "8", "--no-progress");
    assertThat(pack.code()).as(pack.err()).isZero();
    assertThat(pack.out()).startsWith("Wrote 1 shard(s) containing 1 files, total logical size 7 bytes.");
    assertThat(out.resolve("20240517_39_0000.des")).exists(); // 12345 mod 256 = 57 = 0x39, as upstream
  }

  @Test
  void badInputExitsTwoWithTheReason() throws Exception {
    Path manifest = tmp.resolve("bad.csv");
    Files.writeString(manifest, "uid,created_at,size_bytes,source_path\nx,2024-13-45,1," + tmp.resolve("none") + "\ny,2024-01-01,,"
        + tmp.resolve("none") + "\n");
    Run pack = des("pack", "--manifest", manifest.toString(), "--store", tmp.resolve("s").toString(), "--no-progress");
    assertThat(pack.code()).isEqualTo(2);
    assertThat(pack.err()).contains("input problem", "Invalid created_at");
    Run missing = des("pack", "--manifest", tmp.resolve("m2.csv").toString(), "--store", tmp.resolve("s").toString());
    assertThat(missing.code()).isNotZero();
  }

  @Test
  void aBadCodecOrLevelIsBadUsage() throws Exception {
    Path src = sampleFolder();
    Run codec = des("pack", src.toString(), "--store", tmp.resolve("s").toString(), "--codec", "brotli");
    assertThat(codec.code()).isEqualTo(2);
    assertThat(codec.err()).contains("Unknown codec 'brotli' (expected none, zstd or lz4)");
    Run level = des("pack", src.toString(), "--store", tmp.resolve("s").toString(), "--level", "40");
    assertThat(level.code()).isEqualTo(2);
    assertThat(level.err()).contains("zstd level 40 is above 22");
  }

  @Test
  void aManifestWithThousandsOfBadLinesReportsTheFirstAndCountsAll() throws Exception {
    StringBuilder csv = new StringBuilder("uid,created_at,size_bytes,source_path\n");
    for (int i = 0; i < 5000; i++) {
      csv.append("u").append(i).append(",not-a-date,1,/nowhere\n");
    }
    Path manifest = tmp.resolve("bad.csv");
    Files.writeString(manifest, csv);
    Run pack = des("pack", "--manifest", manifest.toString(), "--store", tmp.resolve("s").toString(), "--no-progress");
    assertThat(pack.code()).isEqualTo(2);
    assertThat(pack.err()).contains("5000 input problems, nothing was packed:", "... and 4980 more");
    assertThat(tmp.resolve("s").resolve("_catalog")).doesNotExist();
  }

  @Test
  void missingSourceFileIsReported() throws Exception {
    Path manifest = tmp.resolve("m.csv");
    Files.writeString(manifest, "uid,created_at,size_bytes,source_path\nx,2024-01-01,1," + tmp.resolve("none") + "\n");
    Run pack = des("pack", "--manifest", manifest.toString(), "--store", tmp.resolve("s").toString(), "--no-progress");
    assertThat(pack.code()).isEqualTo(2);
    assertThat(pack.err()).contains("source file does not exist: " + tmp.resolve("none"));
  }

  @Test
  void verifyFindsACorruptShardAndExitsOne() throws Exception {
    Path store = tmp.resolve("store");
    des("pack", sampleFolder().toString(), "--store", store.toString(), "--no-progress");
    Path shard;
    try (Stream<Path> s = Files.list(store)) {
      shard = s.filter(p -> p.toString().endsWith(".des")).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(shard);
    bytes[8] ^= 0x01;
    Files.write(shard, bytes);
    Run verify = des("verify", "--store", store.toString(), "--json");
    assertThat(verify.code()).isEqualTo(1);
    assertThat(verify.out()).contains("\"corrupt_shards\" : 1", "stored bytes checksum is crc32c");
  }

  @Test
  void verifyAllJsonParsesRecordsResultsAndExitsOneOnlyWhenCorrupt() throws Exception {
    Path src = tmp.resolve("many");
    for (int i = 0; i < 30; i++) {
      Path p = Files.createDirectories(src).resolve("f" + i);
      Files.writeString(p, "file " + i + " ".repeat(i * 10));
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-05-" + (10 + i % 3) + "T10:00:00Z")));
    }
    Path store = tmp.resolve("store");
    assertThat(des("pack", src.toString(), "--store", store.toString(), "--no-progress", "--n-bits", "4").code()).isZero();
    long shards;
    try (Stream<Path> s = Files.list(store)) {
      shards = s.filter(p -> p.toString().endsWith(".des")).count();
    }

    Run clean = des("verify", "--store", store.toString(), "--all", "--json", "--parallel", "3", "--record");
    assertThat(clean.code()).as(clean.err()).isZero();
    JsonNode report = JsonMapper.builder().build().readTree(clean.out());
    assertThat(report.get("shards").asLong()).isEqualTo(shards);
    assertThat(report.get("corrupt_shards").asLong()).isZero();
    assertThat(report.get("entries").asLong()).isEqualTo(30);
    assertThat(report.get("verified_entries").asLong()).isEqualTo(30);
    assertThat(report.get("results")).hasSize((int) shards).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).isTrue());
    try (Stream<Path> records = Files.walk(store.resolve("_verify"))) {
      assertThat(records.filter(p -> p.toString().endsWith(".des.json")).count()).isEqualTo(shards);
    }

    Path victim;
    try (Stream<Path> s = Files.list(store)) {
      victim = s.filter(p -> p.getFileName().toString().startsWith("20240511_")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    Run corrupt = des("verify", "--store", store.toString(), "--all", "--json", "--record");
    assertThat(corrupt.code()).isEqualTo(1);
    JsonNode bad = JsonMapper.builder().build().readTree(corrupt.out());
    assertThat(bad.get("corrupt_shards").asLong()).isEqualTo(1);
    assertThat(bad.get("results")).filteredOn(r -> !r.get("ok").asBoolean()).singleElement()
        .satisfies(r -> assertThat(r.get("shard").asString()).isEqualTo(victim.getFileName().toString()));
    try (var failures = new io.des.verify.VerificationStore(new io.des.storage.LocalBlobStore(store)).failures("")) {
      assertThat(failures.map(io.des.verify.VerificationRecord::shard)).containsExactly(victim.getFileName().toString());
    }

    Run otherDays = des("verify", "--store", store.toString(), "--date", "20240510", "--no-progress");
    assertThat(otherDays.code()).as(otherDays.out()).isZero();
    Run may11 = des("verify", "--store", store.toString(), "--prefix", "2024051", "--no-progress");
    assertThat(may11.code()).isEqualTo(1);
    assertThat(may11.out()).contains("CORRUPT " + victim.getFileName(), shards + " shard(s) checked, 1 corrupt");
    Run both = des("verify", "--store", store.toString(), "--date", "20240510", "--all");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("Give one of SHARD..., --all, --date, --prefix or --key");
    assertThat(des("verify", "--store", store.toString(), "--parallel", "0").code()).isEqualTo(2);
  }

  @Test
  void getOfAnUnknownFileExitsOne() throws Exception {
    Path store = tmp.resolve("store");
    des("pack", sampleFolder().toString(), "--store", store.toString(), "--no-progress");
    Run get = des("get", "nope", "--created-at", "2024-05-17", "--store", store.toString(), "-o", tmp.resolve("x").toString());
    assertThat(get.code()).isEqualTo(1);
    assertThat(get.err()).contains("UID 'nope' not found for date 20240517");
    assertThat(tmp.resolve("x")).doesNotExist();
    Run badDate = des("get", "x", "--created-at", "yesterday", "--store", store.toString());
    assertThat(badDate.code()).isEqualTo(2);
  }

  @Test
  void demoPacksReadsAndVerifies() throws Exception {
    Run demo = des("demo", "--dir", tmp.resolve("demo").toString(), "--files", "60");
    assertThat(demo.code()).as(demo.out() + demo.err()).isZero();
    assertThat(demo.out()).contains("Generated 60 sample files", "identical to the source", "0 corrupt");
    assertThat(demo.out()).doesNotContain("DIFFERENT");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : new String[] {"pack", "get", "ls", "verify", "tombstones", "demo"}) {
      Run help = des(sub, "--help");
      assertThat(help.code()).isZero();
      assertThat(help.out()).contains("Usage: des " + sub);
    }
  }
}
