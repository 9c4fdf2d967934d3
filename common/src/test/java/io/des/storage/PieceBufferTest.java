package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The upload buffer in pieces against a plain byte array doing the same writes and discards. */
class PieceBufferTest {
  @Test
  void writesDiscardsAndStreamsLikeOneArray() throws Exception {
    Random random = new Random(42);
    PieceBuffer buffer = new PieceBuffer();
    byte[] model = new byte[0];
    for (int step = 0; step < 2_000; step++) {
      int op = random.nextInt(10);
      if (op < 6) {
        int len = random.nextInt(3) == 0 ? random.nextInt(3 * PieceBuffer.PIECE) : random.nextInt(100);
        byte[] bytes = new byte[len + 5];
        random.nextBytes(bytes);
        buffer.write(bytes, 5, len);
        ByteArrayOutputStream grown = new ByteArrayOutputStream();
        grown.write(model);
        grown.write(bytes, 5, len);
        model = grown.toByteArray();
      } else if (op < 8 && model.length > 0) {
        int len = random.nextInt(model.length + 1);
        buffer.discard(len);
        model = Arrays.copyOfRange(model, len, model.length);
      } else {
        int len = model.length == 0 ? 0 : random.nextInt(model.length + 1);
        assertThat(readAll(buffer.stream(len), random)).isEqualTo(Arrays.copyOf(model, len));
      }
      assertThat(buffer.size()).isEqualTo(model.length);
    }
    assertThat(readAll(buffer.stream(model.length), random)).isEqualTo(model);
  }

  /** Reads to the end with a mix of single bytes and bulk reads of random sizes. */
  private static byte[] readAll(InputStream in, Random random) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[PieceBuffer.PIECE * 2];
    while (true) {
      if (random.nextBoolean()) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
      } else {
        int n = in.read(chunk, 1, 1 + random.nextInt(chunk.length - 1));
        if (n < 0) {
          break;
        }
        out.write(chunk, 1, n);
      }
    }
    return out.toByteArray();
  }

  @Test
  void refusesToStreamOrDiscardMoreThanItHolds() {
    PieceBuffer buffer = new PieceBuffer();
    buffer.write(new byte[10], 0, 10);
    assertThatThrownBy(() -> buffer.stream(11)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> buffer.discard(11)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
