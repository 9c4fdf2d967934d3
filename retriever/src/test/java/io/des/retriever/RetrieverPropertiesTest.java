package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults and checks of {@code des.retriever.*} that are not Spring's. */
class RetrieverPropertiesTest {
  private static RetrieverProperties withCatalogTtl(Duration ttl) {
    return new RetrieverProperties("store", null, null, null, null, null, null, null, null, null, null, null, ttl);
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
}
