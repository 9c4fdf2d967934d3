package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoresTest {
  @TempDir Path dir;

  @Test
  void pathsAndFileUrisOpenLocalStores() throws IOException {
    try (BlobStore absolute = BlobStores.open(dir.toString());
        BlobStore uri = BlobStores.open(dir.toUri().toString());
        BlobStore relative = BlobStores.open("target/des-relative")) {
      assertThat(absolute).isInstanceOf(LocalBlobStore.class);
      assertThat(absolute.describe()).isEqualTo("file:" + dir.toAbsolutePath());
      assertThat(uri.describe()).isEqualTo(absolute.describe());
      assertThat(((LocalBlobStore) relative).root()).isEqualTo(Path.of("target/des-relative").toAbsolutePath());
    }
  }

  @Test
  void s3LocationsOpenS3StoresWithOptionsOverTheEnvironment() throws IOException {
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_REGION", "eu-west-1");
    UnaryOperator<S3StoreConfig.Builder> options = b -> b.credentials("a", "s").region("eu-north-1");

    try (BlobStore store = BlobStores.open("s3://bucket/des", options, env)) {
      S3StoreConfig config = ((S3BlobStore) store).config();
      assertThat(store.describe()).isEqualTo("s3://bucket/des");
      assertThat(config.endpoint()).hasToString("http://127.0.0.1:1");
      assertThat(config.region()).isEqualTo("eu-north-1");
      assertThat(config.pathStyle()).isTrue();
    }
  }

  @Test
  void otherSchemesAreRejected() {
    assertThatThrownBy(() -> BlobStores.open("gs://bucket/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gs://bucket/x");
  }
}
