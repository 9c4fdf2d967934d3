package io.des.worker;

import io.des.archive.Archive;
import io.des.coord.CheckpointStore;
import io.des.coord.FencedLocks;
import io.des.coord.JobLedger;
import io.des.coord.RedisCoordination;
import io.des.format.ReaderLimits;
import io.des.job.SourceKind;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.ResumablePacker;
import io.des.repack.RepackOptions;
import io.des.repack.Repacker;
import io.des.repack.ReplicaRepairSource;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The archive, the packer and the fleet's coordination, from {@link WorkerProperties}. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

  @Bean(destroyMethod = "close")
  BlobStore blobStore(WorkerProperties properties) {
    if (properties.store() == null || properties.store().isBlank()) {
      throw new IllegalStateException("des.store is not set: a folder or s3://bucket/prefix");
    }
    return BlobStores.open(properties.store(), b -> properties.s3Endpoint() == null ? b : b.endpoint(properties.s3Endpoint()));
  }

  @Bean
  Archive archive(BlobStore store, WorkerProperties properties) throws IOException {
    return Archive.create(store, properties.nBits(), ReaderLimits.DEFAULTS);
  }

  @Bean(destroyMethod = "close")
  ResumablePacker packer(Archive archive, WorkerProperties properties) {
    PackOptions options = PackOptions.defaults(archive.router().nBits())
        .withMaxShardSize(properties.worker().maxShardSize())
        .withMemoryBudget(properties.worker().memoryBudget());
    return new ResumablePacker(archive, options, PackListener.NONE);
  }

  @Bean(destroyMethod = "close")
  RedisCoordination coordination(WorkerProperties properties) {
    WorkerProperties.Redis redis = properties.redis();
    return RedisCoordination.connect(redis.address(), redis.prefix(), redis.leaseTimeout());
  }

  @Bean
  FencedLocks locks(RedisCoordination coordination) {
    return coordination.locks();
  }

  @Bean
  CheckpointStore checkpoints(RedisCoordination coordination) {
    return coordination.checkpoints();
  }

  @Bean
  JobLedger ledger(RedisCoordination coordination) {
    return coordination.ledger();
  }

  /** Only when {@code des.database.url} is set: the table that database-sourced jobs mark. */
  @Bean
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty("des.database.url")
  DatabaseSourceMarker databaseSourceMarker(WorkerProperties properties) {
    WorkerProperties.Database db = properties.database();
    DataSource source = DataSourceBuilder.create().url(db.url()).username(db.username()).password(db.password()).build();
    return new DatabaseSourceMarker(new JdbcTemplate(source), db.table(), db.columns().uid(), db.columns().archived());
  }

  /** The landing store, in its own type so that it is never taken for the archive's store. */
  record LandingStore(BlobStore store) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      store.close();
    }
  }

  /** Only when {@code des.landing.store} is set: where jobs of a landing store read their objects. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("des.landing.store")
  LandingStore landingStore(WorkerProperties properties) {
    return new LandingStore(BlobStores.open(properties.landing().store(),
        b -> properties.s3Endpoint() == null ? b : b.endpoint(properties.s3Endpoint())));
  }

  @Bean
  JobRunner jobRunner(ResumablePacker packer, Archive archive, FencedLocks locks, CheckpointStore checkpoints, JobLedger ledger,
      ObjectProvider<DatabaseSourceMarker> database, ObjectProvider<LandingStore> landingStore, WorkerProperties properties,
      MeterRegistry meters) {
    Map<SourceKind, SourceMarker> markers = new EnumMap<>(SourceKind.class);
    markers.put(SourceKind.LANDING, new LandingSourceMarker());
    DatabaseSourceMarker db = database.getIfAvailable();
    if (db != null) {
      markers.put(SourceKind.DATABASE, db); // without it, database jobs are refused before packing
    }
    LandingStore landing = landingStore.getIfAvailable();
    if (landing != null) {
      markers.put(SourceKind.LANDING_STORE, new StoreLanding(landing.store(), properties.landing().stagingOrDefault()));
    }
    return new JobRunner(packer, archive, locks, checkpoints, ledger, markers, workerId(properties), properties.worker().lockWait(), meters);
  }

  /** The archive's replicas ({@code des.repack.replicas}): corrupt entries are repaired from them, old versions erased in them. */
  @Bean(destroyMethod = "close")
  RepairReplicas repairReplicas(Archive archive, WorkerProperties properties) {
    List<BlobStore> stores = new ArrayList<>();
    for (String location : properties.repack().replicas()) {
      stores.add(BlobStores.open(location, b -> properties.s3Endpoint() == null ? b : b.endpoint(properties.s3Endpoint())));
    }
    return new RepairReplicas(stores, archive.router().nBits());
  }

  @Bean
  Repacker repacker(Archive archive, RepairReplicas replicas, WorkerProperties properties) {
    RepackOptions options = RepackOptions.defaults().withGrace(properties.repack().grace());
    if (!replicas.stores().isEmpty()) {
      options = options.withRepair(replicas.source()).withReplicas(replicas.stores());
    }
    return new Repacker(archive, options, Clock.systemUTC());
  }

  /** Replica stores, closed with the app. */
  record RepairReplicas(List<BlobStore> stores, int nBits) implements AutoCloseable {
    ReplicaRepairSource source() {
      return new ReplicaRepairSource(stores.stream().map(s -> Archive.withBits(s, nBits, ReaderLimits.DEFAULTS)).toList());
    }

    @Override
    public void close() throws IOException {
      for (BlobStore store : stores) {
        store.close();
      }
    }
  }

  @Bean
  RepackRunner repackRunner(Repacker repacker, FencedLocks locks, CheckpointStore checkpoints, JobLedger ledger, WorkerProperties properties,
      MeterRegistry meters) {
    return new RepackRunner(repacker, locks, checkpoints, ledger, workerId(properties), properties.worker().lockWait(), meters);
  }

  @Bean
  RepackJobListener repackJobListener(RepackRunner runner) {
    return new RepackJobListener(runner);
  }

  static String workerId(WorkerProperties properties) {
    if (properties.worker().id() != null && !properties.worker().id().isBlank()) {
      return properties.worker().id();
    }
    try {
      return InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
    } catch (UnknownHostException e) {
      return "worker/" + ProcessHandle.current().pid();
    }
  }
}
