package io.des.retriever;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.des.archive.Archive;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * The shard index cache as metrics: {@code des_cache_memory_bytes}, {@code des_cache_entries},
 * {@code des_cache_hits_total}, {@code des_cache_misses_total} and {@code
 * des_cache_evictions_total{cause}} (size = pushed out by the byte bound, expired = TTL).
 */
@Component
class CacheMetrics implements MeterBinder {
  private final Archive archive;

  CacheMetrics(Archive archive) {
    this.archive = archive;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("des.cache.memory", archive, a -> a.indexCacheStats().weightedBytes())
        .baseUnit("bytes").tag("cache", "index").description("Estimated heap held by cached shard indexes").register(registry);
    Gauge.builder("des.cache.entries", archive, a -> a.indexCacheStats().entries())
        .tag("cache", "index").description("Shard indexes in the cache").register(registry);
    FunctionCounter.builder("des.cache.hits", archive, a -> a.indexCacheStats().hits()).tag("cache", "index").register(registry);
    FunctionCounter.builder("des.cache.misses", archive, a -> a.indexCacheStats().misses()).tag("cache", "index").register(registry);
    for (RemovalCause cause : RemovalCause.values()) {
      FunctionCounter.builder("des.cache.evictions", archive, a -> a.indexCacheStats().removals().get(cause))
          .tag("cache", "index").tag("cause", cause.name().toLowerCase()).register(registry);
    }
  }
}
