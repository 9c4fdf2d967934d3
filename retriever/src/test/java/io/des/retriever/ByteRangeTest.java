package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void parsesTheThreeForms() throws Exception {
    assertThat(ByteRange.parse("bytes=0-4", 10)).contains(new ByteRange(0, 4));
    assertThat(ByteRange.parse("bytes=5-", 10)).contains(new ByteRange(5, 9));
    assertThat(ByteRange.parse("bytes=-3", 10)).contains(new ByteRange(7, 9));
    assertThat(ByteRange.parse("bytes=-30", 10)).contains(new ByteRange(0, 9));
    assertThat(ByteRange.parse("BYTES=2-100", 10)).contains(new ByteRange(2, 9));
  }

  @Test
  void ignoresWhatItDoesNotServe() throws Exception {
    assertThat(ByteRange.parse(null, 10)).isEmpty();
    assertThat(ByteRange.parse("items=0-1", 10)).isEmpty();
    assertThat(ByteRange.parse("bytes=0-1,4-5", 10)).isEmpty();
    assertThat(ByteRange.parse("bytes=5-2", 10)).isEmpty();
    assertThat(ByteRange.parse("bytes=a-b", 10)).isEmpty();
  }

  @Test
  void rangesOutsideTheFileAreUnsatisfiable() {
    assertThatThrownBy(() -> ByteRange.parse("bytes=10-", 10)).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 10)).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0)).isInstanceOf(ByteRange.Unsatisfiable.class);
  }
}
