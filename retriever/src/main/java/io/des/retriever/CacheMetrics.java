package io.des.retriever;

import com.github.benmanes.caffeine.cache.RemovalCause;
import io.des.archive.Archive;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The shard index cache as metrics: {@code des_cache_memory_bytes}, {@code des_cache_entries},
 * {@code des_cache_hits_total}, {@code des_cache_misses_total} and {@code
 * des_cache_evictions_total{cause}} (size = pushed out by the byte bound, expired = TTL).
 */
@Component
class CacheMetrics implements MeterBinder {
  private final List<Archive> archives;

  CacheMetrics(RetrieverConfiguration.Archives archives) {
    this.archives = archives.all();
  }

  /** The index caches of every archive (one per zone replica), added up. */
  private long sum(java.util.function.ToLongFunction<Archive.IndexCacheStats> field) {
    long total = 0;
    for (Archive a : archives) {
      total += field.applyAsLong(a.indexCacheStats());
    }
    return total;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("des.cache.memory", this, m -> m.sum(Archive.IndexCacheStats::weightedBytes))
        .baseUnit("bytes").tag("cache", "index").description("Estimated heap held by cached shard indexes").register(registry);
    Gauge.builder("des.cache.entries", this, m -> m.sum(Archive.IndexCacheStats::entries))
        .tag("cache", "index").description("Shard indexes in the cache").register(registry);
    FunctionCounter.builder("des.cache.hits", this, m -> m.sum(Archive.IndexCacheStats::hits)).tag("cache", "index").register(registry);
    FunctionCounter.builder("des.cache.misses", this, m -> m.sum(Archive.IndexCacheStats::misses)).tag("cache", "index").register(registry);
    for (RemovalCause cause : RemovalCause.values()) {
      FunctionCounter.builder("des.cache.evictions", this, m -> m.sum(st -> st.removals().get(cause)))
          .tag("cache", "index").tag("cause", cause.name().toLowerCase()).register(registry);
    }
  }
}
