package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults and checks of {@code des.retriever.*} that are not Spring's. */
class RetrieverPropertiesTest {
  private static RetrieverProperties withCatalogTtl(Duration ttl) {
    return new RetrieverProperties("store", null, null, null, null, null, null, null, null, null, null, null, null, null, null, ttl, null, null);
  }

  @Test
  void catalogsAreTrustedForThirtySecondsUnlessConfigured() {
    assertThat(withCatalogTtl(null).catalogTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(withCatalogTtl(Duration.ofSeconds(1)).catalogTtl()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aCatalogTtlThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> withCatalogTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("des.retriever.catalog-ttl must be positive, got PT0S");
  }

  private static RetrieverProperties withOpenFiles(Integer files, Duration ttl) {
    return new RetrieverProperties("store", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, files, ttl);
  }

  @Test
  void shardFilesAreKeptOpenUnlessTurnedOff() {
    assertThat(withOpenFiles(null, null).openFiles()).isEqualTo(4096);
    assertThat(withOpenFiles(null, null).openFileTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(withOpenFiles(0, null).openFiles()).isZero();
    assertThatThrownBy(() -> withOpenFiles(-1, null)).hasMessage("des.retriever.open-files must be 0 or more, got -1");
    assertThatThrownBy(() -> withOpenFiles(10, Duration.ZERO)).hasMessage("des.retriever.open-file-ttl must be positive, got PT0S");
  }
}
