package io.des.bench;

import io.des.codec.Codec;
import io.des.codec.CodecException;
import io.des.codec.Compressors;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compress and decompress one input with {@link Compressors}, the codec layer the packer and the
 * shard reader use: a zstd frame with the content size (levels 1 and 3) and an LZ4 frame with the
 * content size (fast compressor), the stored forms of codec ids 1 and 2 in docs/format.md. Inputs
 * are made by the dataset generator: 8 KiB text records (log, JSON, CSV) and 1 MiB documents. Each
 * operation handles the next of several inputs, so the score is entries per second; MB/s = score x
 * input size / 10^6.
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

  private Codec id;
  private int level;
  private byte[][] inputs;
  private byte[][] compressed;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws CodecException {
    String[] parts = codec.split("-");
    id = Codec.fromLabel(parts[0]);
    level = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    inputs = input.equals("record-8k") ? BenchData.records(64, 8 * 1024) : BenchData.documents(3, 1024 * 1024);
    compressed = new byte[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      compressed[i] = Compressors.compress(id, level, inputs[i], 0, inputs[i].length);
      byte[] back = Compressors.decompress(id, compressed[i], 0, compressed[i].length, inputs[i].length);
      if (!java.util.Arrays.equals(back, inputs[i])) {
        throw new IllegalStateException(codec + " does not round-trip input " + i);
      }
    }
  }

  @Benchmark
  public byte[] compress() {
    int i = next;
    next = (i + 1) % inputs.length;
    return Compressors.compress(id, level, inputs[i], 0, inputs[i].length);
  }

  @Benchmark
  public byte[] decompress() throws CodecException {
    int i = next;
    next = (i + 1) % inputs.length;
    return Compressors.decompress(id, compressed[i], 0, compressed[i].length, inputs[i].length);
  }
}
