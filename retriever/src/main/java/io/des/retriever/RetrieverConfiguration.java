package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.routing.Router;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import io.des.storage.LocalBlobStore;
import io.des.storage.RetryingBlobStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/** The archives the service reads: one store, or the zones of a zones file with their replicas. */
@Configuration(proxyBeanMethods = false)
class RetrieverConfiguration {

  /** Every store and archive the service opened, closed with it. */
  record Archives(ArchiveSource source, List<Archive> all, List<BlobStore> stores) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      for (BlobStore store : stores) {
        store.close();
      }
    }
  }

  @Bean(destroyMethod = "close")
  Archives archives(RetrieverProperties properties, MeterRegistry meters) throws IOException {
    List<BlobStore> stores = new ArrayList<>();
    List<Archive> all = new ArrayList<>();
    if (properties.zones() == null) {
      RetryingBlobStore store = open(properties.store(), properties.s3Endpoint(), properties, meters);
      stores.add(store);
      Archive archive = Archive.open(store, properties.nBits(), ReaderLimits.DEFAULTS, properties.catalogTtl());
      all.add(archive);
      return new Archives(ArchiveSource.single(archive, properties.store().startsWith("s3://") ? "s3" : "local"), all, stores);
    }
    ZonesConfig config = ZonesConfig.load(properties.zones());
    List<ZonedArchiveSource.Zone> zones = new ArrayList<>();
    for (ZonesConfig.Zone z : config.zones()) {
      List<ZonedArchiveSource.Replica> replicas = new ArrayList<>();
      for (int i = 0; i < z.replicas().size(); i++) {
        ZonesConfig.Location location = z.replicas().get(i);
        RetryingBlobStore store = open(location.store(), location.endpoint() != null ? location.endpoint() : properties.s3Endpoint(), properties, meters);
        stores.add(store);
        // The zones file's n_bits routes every zone (as upstream's multi_s3 does), and no request
        // is made here: a replica that is down must not keep the service from starting.
        Archive archive = Archive.withBits(store, config.nBits(), ReaderLimits.DEFAULTS, properties.catalogTtl());
        all.add(archive);
        String name = z.name() + "/" + i;
        CircuitBreaker breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
            .slidingWindowSize(10)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .waitDurationInOpenState(properties.breakerWait())
            .permittedNumberOfCallsInHalfOpenState(2)
            .build());
        Gauge.builder("des.circuit.breaker.state", breaker, b -> switch (b.getState()) {
              case CLOSED -> 0;
              case OPEN, FORCED_OPEN -> 1;
              case HALF_OPEN -> 2;
              default -> 3;
            })
            .tag("zone", z.name()).tag("replica", Integer.toString(i))
            .description("0 closed, 1 open, 2 half-open")
            .register(meters);
        replicas.add(new ZonedArchiveSource.Replica(name, archive, breaker));
      }
      RateLimiter limiter = RateLimiter.of(z.name(), RateLimiterConfig.custom()
          .limitForPeriod(properties.zoneRequestsPerSecond())
          .limitRefreshPeriod(Duration.ofSeconds(1))
          .timeoutDuration(Duration.ZERO)
          .build());
      zones.add(new ZonedArchiveSource.Zone(z.name(), z.start(), z.end(), replicas, limiter));
    }
    return new Archives(new ZonedArchiveSource(new Router(config.nBits()), zones), all, stores);
  }

  @Bean
  ArchiveSource archiveSource(Archives archives) {
    return archives.source();
  }

  /** The pool for reads that wait: on S3 every read, on a local disk the streaming of large entries. */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService readPool(RetrieverProperties properties) {
    int threads = properties.readThreads();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 4),
        new CustomizableThreadFactory("des-read-"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Bean
  FileReads fileReads(ArchiveSource source, RetrieverProperties properties, ExecutorService readPool, MeterRegistry meters) {
    long maxBuffered = Math.min(properties.maxBufferedBytes(), ReaderLimits.DEFAULTS.maxEntryBytes());
    return new FileReads(source, maxBuffered, readPool, properties.idleTimeout(), meters);
  }

  /** The public port: reads of files answered at once, the rest relayed to the servlet container. */
  @Bean
  FrontServer frontServer(WebServerApplicationContext context, ConfigurableEnvironment environment, FileReads reads,
      RetrieverProperties properties, ServerProperties server, MeterRegistry meters) {
    InetAddress address = server.getAddress() != null ? server.getAddress() : new InetSocketAddress(0).getAddress();
    int port = server.getPort() != null ? server.getPort() : 8080;
    return new FrontServer(context, environment, reads, address, port, (int) server.getMaxHttpRequestHeaderSize().toBytes(),
        properties.maxConnections(), properties.idleTimeout().toSeconds(), meters);
  }

  /**
   * The servlet container (the API other than reads of files: batch, DELETE, health, metrics,
   * actuator, OpenAPI) listens on loopback only, on {@code des.retriever.api-port} (any free port by
   * default), behind the front server. Runs after Spring Boot's own customizer, which applies {@code
   * server.port} and {@code server.address}.
   */
  @Bean
  WebServerFactoryCustomizer<ConfigurableWebServerFactory> apiBehindFront(RetrieverProperties properties) {
    return factory -> {
      factory.setAddress(InetAddress.getLoopbackAddress());
      factory.setPort(properties.apiPort());
    };
  }

  /** A store with the one retry layer on top and none in the S3 SDK below it. */
  private static RetryingBlobStore open(String location, URI endpoint, RetrieverProperties properties, MeterRegistry meters) {
    BlobStore opened = BlobStores.open(location, b -> {
      b.maxAttempts(1);
      return endpoint == null ? b : b.endpoint(endpoint);
    });
    BlobStore raw = opened instanceof LocalBlobStore local ? local.keepingFilesOpen(properties.openFiles(), properties.openFileTtl()) : opened;
    RetryingBlobStore store = new RetryingBlobStore(raw, properties.retryAttempts(), properties.retryBackoff());
    FunctionCounter.builder("des.s3.retries", store, RetryingBlobStore::retries)
        .tag("backend", location.startsWith("s3://") ? "s3" : "local")
        .tag("store", raw.describe())
        .description("Storage reads retried after a transient failure")
        .register(meters);
    return store;
  }
}
