package io.des.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.des.codec.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards DES writes are read by a re-implementation of the upstream Python reader
 * (compat/upstream_reader.py, with python-zstandard and python-lz4 as upstream uses them): every
 * codec, meta, non-ASCII uids, empty entries and BigFiles, with the seal in place. Needs a python3
 * with those modules (.ci/run installs Debian's python3-zstandard and python3-lz4); skipped without.
 */
class UpstreamReaderCompatTest {
  @TempDir Path tmp;

  @Test
  void upstreamReaderReadsEveryKindOfDesEntry() throws Exception {
    String python = pythonWithCodecs();
    assumeTrue(python != null, "no python3 with the zstandard and lz4 modules");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Map<String, Codec> codecs = new LinkedHashMap<>();
    String text = "the quick brown fox jumps over the lazy dog\n".repeat(3000); // > 64 KiB: several lz4 blocks
    entries.put("plain", "hello".getBytes(StandardCharsets.UTF_8));
    entries.put("zstd.txt", text.getBytes(StandardCharsets.UTF_8));
    codecs.put("zstd.txt", Codec.ZSTD);
    entries.put("lz4.txt", text.getBytes(StandardCharsets.UTF_8));
    codecs.put("lz4.txt", Codec.LZ4);
    entries.put("file-\u00e4\u20ac", "zawarto\u015b\u0107".getBytes(StandardCharsets.UTF_8));
    entries.put("empty", new byte[0]);
    entries.put("empty-zstd", new byte[0]);
    codecs.put("empty-zstd", Codec.ZSTD);
    byte[] big = text.repeat(2).getBytes(StandardCharsets.UTF_8);
    String bigSha = sha256(big);

    // Encode with the fixture, then rewrite the entries with created_at meta and add a BigFile.
    byte[] shard = ShardFixtures.shard(entries, codecs);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter writer = ShardWriter.to(out, "compat.des", 8);
    ShardIndex index = ShardReader.loadIndex(storeWith(shard), io.des.storage.BlobPath.of("s.des"), ReaderLimits.DEFAULTS);
    for (IndexEntry e : index.entries()) {
      byte[] stored = java.util.Arrays.copyOfRange(shard, (int) e.offset(), (int) (e.offset() + e.length()));
      writer.add(new EncodedEntry(e.uid(), e.codec(), stored, 0, stored.length, e.uncompressedSize(), e.crc32c(), "2024-01-01T00:00:00Z", null));
    }
    writer.addBigFile("big", bigSha, big.length, "2024-01-01T00:00:00Z", Map.of("source", "scan"));
    writer.finish();
    Path file = tmp.resolve("20240101_39_0000.des");
    Files.write(file, out.toByteArray());
    Files.createDirectories(tmp.resolve("_bigFiles"));
    Files.write(tmp.resolve("_bigFiles").resolve(bigSha), big);

    List<String> lines = run(python, file);
    List<String> expected = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      expected.add(e.getKey() + "\t" + sha256(e.getValue()));
    }
    expected.add("big\t" + bigSha);
    assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static io.des.storage.InMemoryBlobStore storeWith(byte[] shard) throws IOException {
    io.des.storage.InMemoryBlobStore store = new io.des.storage.InMemoryBlobStore();
    ShardFixtures.put(store, "s.des", shard);
    return store;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private List<String> run(String python, Path shard) throws Exception {
    Path script = Path.of(getClass().getResource("/compat/upstream_reader.py").toURI());
    Process p = new ProcessBuilder(python, script.toString(), shard.toString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output.lines().toList();
  }

  private static String pythonWithCodecs() {
    for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import zstandard, lz4.frame").redirectErrorStream(true).start();
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException | InterruptedException e) {
        // try the next one
      }
    }
    return null;
  }
}
