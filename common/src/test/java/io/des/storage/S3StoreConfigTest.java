package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3StoreConfigTest {

  @Test
  void locationGivesBucketAndNormalizedPrefixWithAwsDefaults() {
    S3StoreConfig config = S3StoreConfig.fromLocation("s3://data-bucket/des/shards/", Map.of()).build();

    assertThat(config.bucket()).isEqualTo("data-bucket");
    assertThat(config.prefix()).isEqualTo("des/shards");
    assertThat(config.endpoint()).isNull();
    assertThat(config.pathStyle()).isFalse();
    assertThat(config.region()).isEqualTo("us-east-1");
    assertThat(config.accessKey()).isNull();
    assertThat(config.partSizeBytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(config.location()).isEqualTo("s3://data-bucket/des/shards");
    assertThat(config.objectKey("a/b")).isEqualTo("des/shards/a/b");
  }

  @Test
  void bucketRootHasAnEmptyPrefix() {
    S3StoreConfig config = S3StoreConfig.fromLocation("s3://bucket", Map.of()).build();

    assertThat(config.prefix()).isEmpty();
    assertThat(config.objectKey("a/b")).isEqualTo("a/b");
    assertThat(config.location()).isEqualTo("s3://bucket");
    assertThat(S3StoreConfig.builder("bucket").prefix("//x//").build().prefix()).isEqualTo("x");
  }

  @Test
  void environmentGivesEndpointRegionAndPathStyle() {
    Map<String, String> env = Map.of(
        "AWS_ENDPOINT_URL", "http://generic:9000",
        "AWS_ENDPOINT_URL_S3", "http://minio:9000",
        "AWS_REGION", "eu-west-3");

    S3StoreConfig config = S3StoreConfig.fromLocation("s3://b/p", env).build();

    assertThat(config.endpoint()).isEqualTo(URI.create("http://minio:9000"));
    assertThat(config.region()).isEqualTo("eu-west-3");
    assertThat(config.pathStyle()).isTrue();
    assertThat(S3StoreConfig.fromLocation("s3://b", Map.of("AWS_ENDPOINT_URL", "http://generic:9000"))
            .virtualHostStyle().build().pathStyle())
        .isFalse();
  }

  @Test
  void badLocationsAreRejectedWithTheLocationInTheMessage() {
    for (String location : new String[] {"file:/tmp/x", "s3:/bucket", "s3://bucket/a/../b", "s3://b/p?x=1"}) {
      assertThatThrownBy(() -> S3StoreConfig.fromLocation(location, Map.of()).build())
          .as(location)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(location.contains("..") ? "Invalid S3 prefix '/a/../b'" : location);
    }
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThatThrownBy(() -> S3StoreConfig.builder("b").partSizeBytes(1024 * 1024).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("part size 1048576");
    assertThatThrownBy(() -> S3StoreConfig.builder("b").credentials("key", null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("together");
    assertThatThrownBy(() -> S3StoreConfig.builder("b").maxAttempts(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempts");
    assertThatThrownBy(() -> S3StoreConfig.builder("b").apiCallTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void toStringHidesTheSecret() {
    S3StoreConfig config = S3StoreConfig.builder("b").credentials("AKIDEXAMPLE", "s3cr3t").build();

    assertThat(config.toString()).contains("AKIDEXAMPLE").doesNotContain("s3cr3t");
  }
}
