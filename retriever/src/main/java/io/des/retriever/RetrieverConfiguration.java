package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import io.des.storage.RetryingBlobStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The archive the service reads. */
@Configuration(proxyBeanMethods = false)
class RetrieverConfiguration {
  /** The store, with the one retry layer on top and none in the S3 SDK below it. */
  @Bean(destroyMethod = "close")
  RetryingBlobStore blobStore(RetrieverProperties properties, MeterRegistry meters) {
    BlobStore raw = BlobStores.open(properties.store(), b -> {
      b.maxAttempts(1);
      return properties.s3Endpoint() == null ? b : b.endpoint(properties.s3Endpoint());
    });
    RetryingBlobStore store = new RetryingBlobStore(raw, properties.retryAttempts(), properties.retryBackoff());
    FunctionCounter.builder("des.s3.retries", store, RetryingBlobStore::retries)
        .tag("backend", properties.store().startsWith("s3://") ? "s3" : "local")
        .description("Storage reads retried after a transient failure")
        .register(meters);
    return store;
  }

  @Bean
  Archive archive(RetryingBlobStore store, RetrieverProperties properties) throws IOException {
    return Archive.open(store, properties.nBits(), ReaderLimits.DEFAULTS);
  }
}
