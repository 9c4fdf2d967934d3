package io.des.cli;

import static io.des.cli.DesCommandTest.des;
import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.format.ReaderLimits;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.LocalBlobStore;
import io.des.testing.ByteSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** des repack end to end on a local store: dry run, erasure of deleted files, corrupt shards, bad input. */
class RepackCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String CREATED = "2024-05-17T10:00:00Z";
  @TempDir Path tmp;

  /** Files f000.bin... of random bytes (distinctive, stored as they are), all created on 2024-05-17. */
  private Map<String, byte[]> files(String folder, int count, long seed) throws IOException {
    Path src = Files.createDirectories(tmp.resolve(folder));
    Random random = new Random(seed);
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[64 + random.nextInt(200)];
      random.nextBytes(payload);
      String uid = String.format("%s%03d.bin", folder, i);
      Path p = Files.write(src.resolve(uid), payload);
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse(CREATED)));
      files.put(uid, payload);
    }
    return files;
  }

  /** A store packed from {@link #files}, and the key of its first file. */
  private record Packed(String store, Map<String, byte[]> files, String first, ShardKey key) {}

  private Packed packed(String folder, int count, long seed) throws IOException {
    Map<String, byte[]> files = files(folder, count, seed);
    String store = tmp.resolve("store").toString();
    pack(tmp.resolve(folder), store);
    String first = files.keySet().iterator().next();
    return new Packed(store, files, first, keyOf(store, first));
  }

  private static void pack(Path src, String store) {
    DesCommandTest.Run pack = des("pack", src.toString(), "--store", store, "--n-bits", "4", "--codec", "none", "--no-progress");
    assertThat(pack.code()).as(pack.err()).isZero();
  }

  private static void delete(String store, String uid) {
    DesCommandTest.Run add = des("tombstones", "add", uid, "--store", store, "--created-at", CREATED, "--deleted-by", "dpo", "--reason", "GDPR");
    assertThat(add.code()).as(add.err()).isZero();
  }

  private DesCommandTest.Run get(String store, String uid) {
    return des("get", uid, "--created-at", CREATED, "--store", store, "-o", tmp.resolve("got").toString());
  }

  private static ShardKey keyOf(String store, String uid) throws IOException {
    return archive(store).router().route(uid, CreatedAt.parse(CREATED));
  }

  private static Archive archive(String store) throws IOException {
    return Archive.open(new LocalBlobStore(Path.of(store)), null, ReaderLimits.DEFAULTS);
  }

  /** Every file under the folder with a digest of its content. */
  private static Map<String, String> snapshot(Path folder) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return files;
  }

  /** The files under the folder holding any of the payloads. */
  private static List<String> holding(Path folder, Iterable<byte[]> payloads) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(p);
        for (byte[] payload : payloads) {
          if (ByteSearch.indexOf(content, payload) >= 0) {
            found.add(folder.relativize(p).toString());
          }
        }
      }
    }
    return found;
  }

  @Test
  void dryRunChangesNothingThenRepackErasesTheDeletedFilesOfAKeyThenOfADay() throws Exception {
    Packed packed = packed("f", 200, 42);
    Map<String, byte[]> files = packed.files();
    String store = packed.store();
    Map<String, byte[]> deleted = new HashMap<>();
    Map<String, byte[]> kept = new LinkedHashMap<>(files);
    int i = 0;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      if (i++ % 10 == 0) {
        delete(store, f.getKey());
        deleted.put(f.getKey(), f.getValue());
        kept.remove(f.getKey());
      }
    }
    assertThat(deleted).hasSize(20);

    Map<String, String> before = snapshot(Path.of(store));
    DesCommandTest.Run plan = des("repack", "--store", store, "--date", "20240517", "--dry-run");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("  repack  20240517_", " entries deleted, ", "Dry run, nothing changed: ", " 20 deleted entries,");
    DesCommandTest.Run planJson = des("repack", "--store", store, "--all", "--dry-run", "--json", "--min-ratio", "0.05");
    assertThat(planJson.code()).as(planJson.err()).isZero();
    JsonNode planned = JSON.readTree(planJson.out());
    assertThat(planned.get("dry_run").asBoolean()).isTrue();
    long selectedDeleted = 0;
    for (JsonNode key : planned.get("keys")) {
      for (JsonNode shard : key.get("shards")) {
        assertThat(shard.get("selected").asBoolean()).isEqualTo(shard.get("deleted_ratio").asDouble() >= 0.05);
        selectedDeleted += shard.get("selected").asBoolean() ? shard.get("deleted").asLong() : 0;
      }
    }
    assertThat(planned.get("deleted_entries").asLong()).isEqualTo(selectedDeleted);
    assertThat(snapshot(Path.of(store))).as("a dry run writes nothing").isEqualTo(before);
    DesCommandTest.Run belowRatio = des("repack", "--store", store, "--all", "--min-ratio", "1");
    assertThat(belowRatio.code()).as(belowRatio.err()).isZero();
    assertThat(belowRatio.out()).contains("0 key(s): 0 shard(s) repacked");
    assertThat(snapshot(Path.of(store))).as("no shard reaches the ratio").isEqualTo(before);

    String first = deleted.keySet().iterator().next();
    ShardKey key = keyOf(store, first);
    long deletedInKey = deleted.keySet().stream().filter(uid -> uncheckedKeyOf(store, uid).equals(key)).count();
    DesCommandTest.Run one = des("repack", "--store", store, "--key", key.toString(), "--grace", "0s");
    assertThat(one.code()).as(one.err()).isZero();
    assertThat(one.out()).contains(key + ": " + key.prefix() + "0000.des -> " + key.prefix() + "0000_R002.des: kept ",
        key + ": purged " + key.prefix() + "0000.des", "1 key(s): 1 shard(s) repacked, " + deletedInKey + " entries dropped as deleted, 0 as corrupt");
    assertThat(one.err()).contains("des repack: " + key + " claimed ", " written ", " verified ", " swapped ", " purged ");
    assertThat(get(store, first).code()).isEqualTo(1);
    assertThat(get(store, first).err()).contains("UID '" + first + "' of " + key + " was deleted at");

    DesCommandTest.Run day = des("repack", "--store", store, "--date", "20240517", "--grace", "0s", "--json", "--no-progress");
    assertThat(day.code()).as(day.err()).isZero();
    JsonNode report = JSON.readTree(day.out());
    assertThat(report.get("key_count").asLong()).as("every other key with a deleted file").isGreaterThan(1).isEqualTo(report.get("keys").size());
    assertThat(report.get("entries_dropped_deleted").asLong()).isEqualTo(20 - deletedInKey);
    assertThat(report.get("versions_purged").asLong()).isEqualTo(report.get("shards_repacked").asLong());
    assertThat(report.get("erasure_records").asLong()).isEqualTo(20 - deletedInKey);
    assertThat(report.get("failed_keys").asLong()).isZero();

    DesCommandTest.Run stats = des("tombstones", "stats", "--store", store);
    assertThat(stats.out()).contains("all\t-\t20\t0\t20\t0\t");
    for (Map.Entry<String, byte[]> f : kept.entrySet()) {
      DesCommandTest.Run got = get(store, f.getKey());
      assertThat(got.code()).as(got.err()).isZero();
      assertThat(Files.readAllBytes(tmp.resolve("got"))).as(f.getKey()).isEqualTo(f.getValue());
    }
    assertThat(holding(Path.of(store), deleted.values())).as("no file of the store holds a deleted payload").isEmpty();
    assertThat(holding(Path.of(store), List.of(kept.values().iterator().next()))).as("the scan finds what is there").isNotEmpty();
    assertThat(des("verify", "--store", store, "--no-progress").code()).isZero();

    DesCommandTest.Run again = des("repack", "--store", store, "--all");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("0 key(s): 0 shard(s) repacked");
    // The command commits with token 0 to keys no fenced writer touched, so des pack still works.
    files("g", 30, 7);
    pack(tmp.resolve("g"), store);
  }

  private static ShardKey uncheckedKeyOf(String store, String uid) {
    try {
      return keyOf(store, uid);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aShardFoundCorruptByARecordedVerificationLosesItsCorruptEntry() throws Exception {
    Packed packed = packed("c", 40, 3);
    String store = packed.store();
    ShardKey key = packed.key();
    Path shard = Path.of(store, key.prefix() + "0000.des");
    byte[] bytes = Files.readAllBytes(shard);
    int at = ByteSearch.indexOf(bytes, packed.files().get(packed.first()));
    assertThat(at).as("stored as it is").isNotNegative();
    bytes[at + 10] ^= 0x55;
    Files.write(shard, bytes);
    assertThat(des("verify", "--store", store, "--key", key.toString(), "--record", "--no-progress").code()).isEqualTo(1);

    DesCommandTest.Run plan = des("repack", "--store", store, "--key", key.toString(), "--dry-run");
    assertThat(plan.code()).isZero();
    assertThat(plan.out()).contains("  corrupt " + key.prefix() + "0000.des: failed its recorded verification");
    DesCommandTest.Run skipped = des("repack", "--store", store, "--key", key.toString(), "--no-include-corrupt");
    assertThat(skipped.out()).contains("0 key(s): 0 shard(s) repacked");

    DesCommandTest.Run run = des("repack", "--store", store, "--key", key.toString(), "--no-progress");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("dropped 0 deleted, 1 corrupt", "0 entries dropped as deleted, 1 as corrupt");
    assertThat(des("verify", "--store", store, "--key", key.toString(), "--no-progress").code()).isZero();
    DesCommandTest.Run later = des("repack", "--store", store, "--key", key.toString(), "--dry-run");
    assertThat(later.out()).contains("  later   " + key.prefix() + "0000.des (retired ", "grace period not over");
  }

  /** Where the payload starts in the content, or -1. */

  @Test
  void aKeyAFleetWorkerFencedIsRepackedAboveItsToken() throws Exception {
    Packed packed = packed("k", 20, 5);
    String store = packed.store();
    ShardKey key = packed.key();
    archive(store).catalog().commit(key, 41, s -> s); // a fleet worker's claim
    delete(store, packed.first());
    DesCommandTest.Run run = des("repack", "--store", store, "--key", key.toString(), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("keys").get(0).get("fence").asLong()).isEqualTo(42);
    CatalogState state = archive(store).catalog().load(key);
    assertThat(state.fence()).isEqualTo(42);
    assertThat(RepackCommand.fence(state)).isEqualTo(43);
  }

  @Test
  void aCommitRefusedByANewerTokenFailsTheKeyWithTheCatalogsMessage() throws Exception {
    Packed packed = packed("r", 20, 9);
    String store = packed.store();
    ShardKey key = packed.key();
    delete(store, packed.first());
    // A fleet worker claims the key while the command repacks it: its progress line is the moment.
    java.io.StringWriter err = new java.io.StringWriter() {
      private boolean claimed;

      @Override
      public void flush() {
        if (!claimed && toString().contains(" claimed ")) {
          claimed = true;
          try {
            archive(store).catalog().commit(key, 1000, s -> s);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    };
    picocli.CommandLine cli = DesCommand.commandLine();
    java.io.StringWriter out = new java.io.StringWriter();
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    int code = cli.execute("repack", "--store", store, "--key", key.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains(key + ": FAILED: Commit to " + key + " refused: fencing token 0 is older than 1000",
        "a fleet worker or another des repack holds this key", "1 key(s) failed.");
    assertThat(Path.of(store, key.prefix() + "0000_R002.des")).as("the refused version is deleted").doesNotExist();
    assertThat(archive(store).catalog().load(key).contains(key.prefix() + "0000.des")).as("the old version stays live").isTrue();
  }

  @Test
  void badInputIsExit2AndHelpDescribesTheCommand() {
    assertThat(des("repack", "--store", "x").code()).as("no scope").isEqualTo(2);
    assertThat(des("repack", "--store", "x", "--all", "--date", "20240517").code()).isEqualTo(2);
    DesCommandTest.Run ratio = des("repack", "--store", tmp.toString(), "--all", "--min-ratio", "2");
    assertThat(ratio.code()).isEqualTo(2);
    assertThat(ratio.err()).contains("--min-ratio must be between 0 and 1, got 2.0");
    DesCommandTest.Run grace = des("repack", "--store", tmp.toString(), "--all", "--grace", "soon");
    assertThat(grace.code()).isEqualTo(2);
    assertThat(grace.err()).contains("Invalid duration 'soon'");
    assertThat(des("repack", "--store", tmp.toString(), "--date", "2024-05-17").code()).isEqualTo(2);
    assertThat(des("repack", "--store", tmp.toString(), "--key", "nokey").code()).isEqualTo(2);

    DesCommandTest.Run help = des("repack", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: des repack", "--store", "--key", "--date", "--all", "--dry-run", "--grace", "--min-ratio",
        "--[no-]include-corrupt", "--json");
    assertThat(des("--help").out()).contains("repack");
  }
}
