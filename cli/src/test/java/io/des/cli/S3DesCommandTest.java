package io.des.cli;

import static io.des.cli.DesCommandTest.des;
import static org.assertj.core.api.Assertions.assertThat;

import io.des.storage.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** des pack, get, verify, tombstones and repack against an S3 prefix on a real S3-compatible server (S3Proxy). */
class S3DesCommandTest {
  private static final S3TestServer SERVER = new S3TestServer();
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    SERVER.start();
    // The AWS default credentials chain reads these system properties.
    System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void packsReadsAndVerifiesOnS3() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "alpha ".repeat(1000));
    Files.write(src.resolve("big.bin"), new byte[300_000]);
    String store = "s3://" + SERVER.newBucket() + "/archive";
    String endpoint = SERVER.endpoint().toString();
    DesCommandTest.Run pack = des("pack", src.toString(), "--store", store, "--s3-endpoint", endpoint, "--big-file-threshold", "100000", "--no-progress");
    assertThat(pack.code()).as(pack.err()).isZero();
    assertThat(pack.out()).contains("containing 2 files", "SHARD: s3://");
    String created = Files.getLastModifiedTime(src.resolve("a.txt")).toInstant().toString();
    Path out = tmp.resolve("a.out");
    DesCommandTest.Run get = des("get", "a.txt", "--created-at", created, "--store", store, "--s3-endpoint", endpoint, "-o", out.toString());
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(Files.readString(out)).isEqualTo("alpha ".repeat(1000));
    String createdBig = Files.getLastModifiedTime(src.resolve("big.bin")).toInstant().toString();
    Path outBig = tmp.resolve("big.out");
    assertThat(des("get", "big.bin", "--created-at", createdBig, "--store", store, "--s3-endpoint", endpoint, "-o", outBig.toString()).code()).isZero();
    assertThat(Files.readAllBytes(outBig)).isEqualTo(new byte[300_000]);
    DesCommandTest.Run verify = des("verify", "--store", store, "--s3-endpoint", endpoint, "--no-progress");
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out()).contains("0 corrupt; 2 of 2 entries verified.");

    DesCommandTest.Run recorded = des("verify", "--store", store, "--s3-endpoint", endpoint, "--all", "--json", "--record", "--parallel", "2");
    assertThat(recorded.code()).as(recorded.err()).isZero();
    assertThat(recorded.out()).contains("\"corrupt_shards\" : 0", "\"verified_entries\" : 2");

    DesCommandTest.Run deleted = des("tombstones", "add", "a.txt", "--created-at", created, "--deleted-by", "dpo", "--reason", "user_request",
        "--store", store, "--s3-endpoint", endpoint);
    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(des("tombstones", "add", "a.txt", "--created-at", created, "--deleted-by", "dpo", "--reason", "user_request",
        "--store", store, "--s3-endpoint", endpoint).code()).isEqualTo(3);
    assertThat(des("get", "a.txt", "--created-at", created, "--store", store, "--s3-endpoint", endpoint, "-o", tmp.resolve("gone").toString()).code())
        .isEqualTo(1);
    DesCommandTest.Run list = des("tombstones", "list", "--store", store, "--s3-endpoint", endpoint, "--pending");
    assertThat(list.out().lines()).hasSize(2).last().satisfies(l -> assertThat(l).contains("\ta.txt\t", "\tuser_request\t", "\tpending\t"));
    DesCommandTest.Run stats = des("tombstones", "stats", "--store", store, "--s3-endpoint", endpoint);
    assertThat(stats.out()).contains("all\t-\t1\t1\t0\t0\t");
  }

  @Test
  void repackErasesADeletedFileOnS3() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    java.util.Random random = new java.util.Random(11);
    byte[][] payloads = new byte[10][];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = new byte[100];
      random.nextBytes(payloads[i]);
      Path p = Files.write(src.resolve("f" + i + ".bin"), payloads[i]);
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2024-05-17T10:00:00Z")));
    }
    String store = "s3://" + SERVER.newBucket() + "/archive";
    String endpoint = SERVER.endpoint().toString();
    assertThat(des("pack", src.toString(), "--store", store, "--s3-endpoint", endpoint, "--n-bits", "4", "--codec", "none", "--no-progress").code())
        .isZero();
    for (String uid : new String[] {"f0.bin", "f1.bin"}) {
      DesCommandTest.Run deleted = des("tombstones", "add", uid, "--created-at", "2024-05-17T10:00:00Z", "--deleted-by", "dpo", "--reason", "GDPR",
          "--store", store, "--s3-endpoint", endpoint);
      assertThat(deleted.code()).as(deleted.err()).isZero();
    }
    DesCommandTest.Run repack = des("repack", "--store", store, "--s3-endpoint", endpoint, "--date", "20240517", "--grace", "0s", "--no-progress");
    assertThat(repack.code()).as(repack.out() + repack.err()).isZero();
    assertThat(repack.out()).contains("2 entries dropped as deleted, 0 as corrupt", "2 erasure record(s) written; 0 key(s) failed.");
    assertThat(des("tombstones", "stats", "--store", store, "--s3-endpoint", endpoint).out()).contains("all\t-\t2\t0\t2\t0\t");
    DesCommandTest.Run gone = des("get", "f0.bin", "--created-at", "2024-05-17T10:00:00Z", "--store", store, "--s3-endpoint", endpoint,
        "-o", tmp.resolve("gone").toString());
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("UID 'f0.bin' of ", " was deleted at");
    Path kept = tmp.resolve("kept");
    assertThat(des("get", "f2.bin", "--created-at", "2024-05-17T10:00:00Z", "--store", store, "--s3-endpoint", endpoint, "-o", kept.toString())
        .code()).isZero();
    assertThat(Files.readAllBytes(kept)).isEqualTo(payloads[2]);
  }
}
