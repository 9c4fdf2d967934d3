package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The archive the service reads. */
@Configuration(proxyBeanMethods = false)
class RetrieverConfiguration {
  @Bean(destroyMethod = "close")
  BlobStore blobStore(RetrieverProperties properties) {
    return properties.s3Endpoint() == null
        ? BlobStores.open(properties.store())
        : BlobStores.open(properties.store(), b -> b.endpoint(properties.s3Endpoint()));
  }

  @Bean
  Archive archive(BlobStore store, RetrieverProperties properties) throws IOException {
    return Archive.open(store, properties.nBits(), ReaderLimits.DEFAULTS);
  }
}
