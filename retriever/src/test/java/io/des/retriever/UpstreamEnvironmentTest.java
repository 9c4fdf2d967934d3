package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's environment (test_http_retriever_backends.py) selects the same backends. */
class UpstreamEnvironmentTest {
  @Test
  void baseDirMeansLocal() {
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_BASE_DIR", "/data/des", "DES_N_BITS", "10")))
        .containsEntry("des.retriever.store", "/data/des").containsEntry("des.retriever.n-bits", "10");
  }

  @Test
  void s3WithABucket() {
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_BACKEND", "s3", "DES_S3_BUCKET", "b", "DES_S3_PREFIX", "/des/",
        "DES_S3_ENDPOINT_URL", "http://127.0.0.1:9000")))
        .containsEntry("des.retriever.store", "s3://b/des").containsEntry("des.retriever.s3-endpoint", "http://127.0.0.1:9000");
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_BACKEND", "local", "DES_S3_BUCKET", "b")))
        .as("upstream's quirk: a bucket wins").containsEntry("des.retriever.store", "s3://b");
  }

  @Test
  void multiS3NeedsAZonesFile() {
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_BACKEND", "multi_s3", "DES_ZONES_CONFIG", "/z.yaml")))
        .containsEntry("des.retriever.zones", "/z.yaml").doesNotContainKey("des.retriever.store");
    assertThatThrownBy(() -> UpstreamEnvironment.defaults(Map.of("DES_BACKEND", "multi_s3")))
        .isInstanceOf(IllegalStateException.class).hasMessage("DES_BACKEND=multi_s3 needs DES_ZONES_CONFIG");
  }

  @Test
  void nothingUpstreamNothingDefaulted() {
    assertThat(UpstreamEnvironment.defaults(Map.of("PATH", "/bin"))).isEmpty();
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_BACKEND", "local"))).containsEntry("des.retriever.store", "./data/des");
  }

  @Test
  void deleteApiKeyIsOneKeyEvenWithCommas() {
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_DELETE_API_KEY", "s3cr,et")))
        .containsExactly(Map.entry("des.retriever.delete.api-keys[0]", "s3cr,et"));
    assertThat(UpstreamEnvironment.defaults(Map.of("DES_DELETE_API_KEY", " ", "DES_BASE_DIR", "/d")))
        .as("blank: not configured, as upstream").doesNotContainKey("des.retriever.delete.api-keys[0]");
  }
}
