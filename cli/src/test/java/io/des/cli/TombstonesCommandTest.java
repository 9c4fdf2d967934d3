package io.des.cli;

import static io.des.cli.DesCommandTest.des;
import static org.assertj.core.api.Assertions.assertThat;

import io.des.routing.ShardKey;
import io.des.storage.LocalBlobStore;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.ErasureRecord;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** des tombstones add, list and stats end to end on a local store. */
class TombstonesCommandTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  @TempDir Path tmp;

  /** Packs a.txt, b.txt and c.txt, created 2024-05-17, into a new store. */
  private String packedStore() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    for (String name : List.of("a.txt", "b.txt", "c.txt")) {
      Path p = Files.writeString(src.resolve(name), "content of " + name);
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2024-05-17T10:00:00Z")));
    }
    String store = tmp.resolve("store").toString();
    DesCommandTest.Run pack = des("pack", src.toString(), "--store", store, "--no-progress");
    assertThat(pack.code()).as(pack.err()).isZero();
    return store;
  }

  private static DesCommandTest.Run add(String store, String uid, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("tombstones", "add", uid, "--store", store, "--created-at", "2024-05-17T23:00:00Z",
        "--deleted-by", "dpo@example.com", "--reason", "GDPR"));
    args.addAll(List.of(more));
    return des(args.toArray(String[]::new));
  }

  @Test
  void addHidesTheFileAndASecondAddSaysItWasAlreadyDeleted() throws Exception {
    String store = packedStore();
    DesCommandTest.Run added = add(store, "a.txt", "--ticket", "T-42", "--erasure-window", "24h");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).startsWith("Deleted UID 'a.txt' of 20240517_");

    DesCommandTest.Run get = des("get", "a.txt", "--created-at", "2024-05-17", "--store", store, "-o", tmp.resolve("a.out").toString());
    assertThat(get.code()).isEqualTo(1);
    assertThat(get.err()).contains("UID 'a.txt'", "was deleted at");

    DesCommandTest.Run again = add(store, "a.txt");
    assertThat(again.code()).isEqualTo(DesCommand.ALREADY_DELETED).isEqualTo(3);
    assertThat(again.err()).contains("UID 'a.txt' of 20240517_", "was already deleted at", "by dpo@example.com (GDPR)");
  }

  @Test
  void anUnknownUidOrBadInputIsRefusedAndWritesNothing() throws Exception {
    String store = packedStore();
    DesCommandTest.Run unknown = add(store, "nope.txt");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("UID 'nope.txt' not found for date 20240517");
    DesCommandTest.Run otherDay = des("tombstones", "add", "a.txt", "--store", store, "--created-at", "2024-05-18",
        "--deleted-by", "x", "--reason", "GDPR");
    assertThat(otherDay.code()).as("another day is another file").isEqualTo(1);
    DesCommandTest.Run reason = des("tombstones", "add", "a.txt", "--store", store, "--created-at", "2024-05-17",
        "--deleted-by", "x", "--reason", "because");
    assertThat(reason.code()).isEqualTo(2);
    assertThat(reason.err()).contains("unknown reason 'because' (expected GDPR, retention_expired, user_request)");
    DesCommandTest.Run window = add(store, "a.txt", "--erasure-window", "soon");
    assertThat(window.code()).isEqualTo(2);
    assertThat(window.err()).contains("Invalid duration 'soon'");
    assertThat(tmp.resolve("store/_tombstones")).doesNotExist();
  }

  @Test
  void listAndStatsTellPendingErasedAndOverdue() throws Exception {
    String store = packedStore();
    assertThat(add(store, "a.txt", "--ticket", "T-1").code()).isZero();
    assertThat(add(store, "b.txt").code()).isZero();
    TombstoneStore tombstones = new TombstoneStore(new LocalBlobStore(Path.of(store)));
    Tombstone a;
    try (var listed = tombstones.list("")) {
      a = listed.filter(t -> t.uid().equals("a.txt")).findFirst().orElseThrow();
    }
    Instant purged = Instant.now();
    tombstones.recordErasure(new ErasureRecord(a.key(), "a.txt", a.deletedAt(), a.key().prefix() + "0000.des",
        a.key().prefix() + "0000_R002.des", purged.minusSeconds(3600), purged));
    // An old deletion whose promise has passed, on another day: pending and overdue.
    Instant longAgo = Instant.parse("2024-06-01T00:00:00Z");
    ShardKey june = new ShardKey("20240601", "7");
    tombstones.add(new Tombstone(june, "old.txt", "2024-06-01", longAgo, "ops", DeletionReason.RETENTION_EXPIRED, null, longAgo.plus(Duration.ofHours(48))));

    DesCommandTest.Run list = des("tombstones", "list", "--store", store);
    assertThat(list.code()).as(list.err()).isZero();
    List<String> lines = list.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("key\tuid\tcreated_at\tdeleted_at\tdeleted_by\treason\tticket\terase_by\tstatus\tremoved_by\tpurged_at");
    assertThat(lines).hasSize(4);
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(a.key() + "\ta.txt\t2024-05-17T23:00:00Z\t").contains("\tGDPR\tT-1\t")
        .endsWith("\terased\t" + a.key().prefix() + "0000_R002.des\t" + purged));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\tb.txt\t").endsWith("\tpending\t-\t-"));

    DesCommandTest.Run pending = des("tombstones", "list", "--store", store, "--pending", "--json");
    assertThat(pending.code()).isZero();
    List<JsonNode> objects = pending.out().lines().map(JSON::readTree).toList();
    assertThat(objects).extracting(o -> o.get("uid").asString()).containsExactlyInAnyOrder("b.txt", "old.txt");
    assertThat(objects).allSatisfy(o -> assertThat(o.get("status").asString()).isEqualTo("pending"));
    DesCommandTest.Run june1 = des("tombstones", "list", "--store", store, "--key", june.toString(), "--json");
    assertThat(june1.out().lines()).singleElement().satisfies(l -> assertThat(JSON.readTree(l).get("reason").asString()).isEqualTo("retention_expired"));

    DesCommandTest.Run stats = des("tombstones", "stats", "--store", store, "--json");
    assertThat(stats.code()).as(stats.err()).isZero();
    JsonNode report = JSON.readTree(stats.out());
    JsonNode total = report.get("total");
    assertThat(total.get("total").asLong()).isEqualTo(3);
    assertThat(total.get("pending").asLong()).isEqualTo(2);
    assertThat(total.get("erased").asLong()).isEqualTo(1);
    assertThat(total.get("overdue").asLong()).isEqualTo(1);
    assertThat(total.get("oldest_pending_deleted_at").asString()).isEqualTo(longAgo.toString());
    assertThat(total.get("oldest_pending_age_seconds").asLong()).isGreaterThan(Duration.ofDays(365).toSeconds());
    assertThat(report.get("days")).hasSize(2);
    JsonNode may17 = report.get("days").get(0);
    assertThat(may17.get("date").asString()).isEqualTo("20240517");
    assertThat(may17.get("total").asLong()).isEqualTo(2);
    assertThat(may17.get("overdue").asLong()).isZero();
    long keyTotal = 0;
    for (JsonNode k : may17.get("keys")) {
      keyTotal += k.get("total").asLong();
    }
    assertThat(keyTotal).isEqualTo(2);

    DesCommandTest.Run text = des("tombstones", "stats", "--store", store, "--date", "20240601");
    assertThat(text.code()).isZero();
    assertThat(text.out().lines()).hasSize(4)
        .first().isEqualTo("level\tname\ttotal\tpending\terased\toverdue\toldest_pending_deleted_at\toldest_pending_age");
    assertThat(text.out()).contains("key\t20240601_7\t1\t1\t0\t1\t2024-06-01T00:00:00Z\t", "day\t20240601\t1\t1\t0\t1\t", "all\t-\t1\t1\t0\t1\t");
    assertThat(des("tombstones", "stats", "--store", store, "--date", "2024-06-01").code()).isEqualTo(2);
  }

  @Test
  void everyTombstonesSubcommandHasHelp() {
    for (String sub : new String[] {"list", "add", "stats"}) {
      DesCommandTest.Run help = des("tombstones", sub, "--help");
      assertThat(help.code()).isZero();
      assertThat(help.out()).contains("Usage: des tombstones " + sub, "--store");
    }
  }
}
