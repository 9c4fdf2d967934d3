package io.des.bench;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compress and decompress one input with the codecs a shard can hold: a zstd frame with the content
 * size (levels 1 and 3) and an LZ4 frame with the content size, the stored forms of codec ids 1 and
 * 2 in docs/format.md. Inputs are made by the dataset generator: 8 KiB text records (log, JSON,
 * CSV) and 1 MiB documents. Each operation handles the next of several inputs, so the score is
 * operations (entries) per second; MB/s = score x input size / 10^6.
 *
 * <p>This uses zstd-jni and lz4-java directly. TODO: switch to the io.des.codec API once it is on
 * main, so that the benchmark measures what the packer runs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Thread)
public class CodecBenchmark {

  @Param({"zstd-1", "zstd-3", "lz4"})
  public String codec;

  @Param({"record-8k", "document-1m"})
  public String input;

  private byte[][] inputs;
  private byte[][] compressed;
  private int next;
  private ZstdCompressCtx zstd;
  private ZstdDecompressCtx unzstd;
  private ByteArrayOutputStream sink;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    inputs = input.equals("record-8k") ? BenchData.records(64, 8 * 1024) : BenchData.documents(3, 1024 * 1024);
    if (codec.startsWith("zstd-")) {
      zstd = new ZstdCompressCtx().setLevel(Integer.parseInt(codec.substring(5))).setContentSize(true);
      unzstd = new ZstdDecompressCtx();
    }
    sink = new ByteArrayOutputStream(inputs[0].length + 1024);
    compressed = new byte[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      compressed[i] = compress(inputs[i]);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (zstd != null) {
      zstd.close();
      unzstd.close();
    }
  }

  @Benchmark
  public byte[] compress() throws IOException {
    int i = next;
    next = (i + 1) % inputs.length;
    return compress(inputs[i]);
  }

  @Benchmark
  public byte[] decompress() throws IOException {
    int i = next;
    next = (i + 1) % inputs.length;
    return decompress(compressed[i], inputs[i].length);
  }

  private byte[] compress(byte[] content) throws IOException {
    if (zstd != null) {
      return zstd.compress(content);
    }
    sink.reset();
    try (LZ4FrameOutputStream out =
        new LZ4FrameOutputStream(sink, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, content.length,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
      out.write(content);
    }
    return sink.toByteArray();
  }

  private byte[] decompress(byte[] stored, int size) throws IOException {
    if (unzstd != null) {
      return unzstd.decompress(stored, size);
    }
    try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(stored))) {
      byte[] out = in.readNBytes(size);
      if (out.length != size) {
        throw new IOException("lz4 frame decoded to " + out.length + " bytes, expected " + size);
      }
      return out;
    }
  }
}
