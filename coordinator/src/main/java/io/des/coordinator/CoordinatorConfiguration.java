package io.des.coordinator;

import com.zaxxer.hikari.HikariDataSource;
import io.des.archive.Archive;
import io.des.coord.JobLedger;
import io.des.coord.LeaderElection;
import io.des.coord.RedisCoordination;
import io.des.format.ReaderLimits;
import io.des.job.JobMessages;
import io.des.job.JobPlanner;
import io.des.repack.RepackOptions;
import io.des.repack.Repacker;
import io.des.routing.Router;
import io.des.storage.BlobStore;
import io.des.storage.BlobStores;
import io.des.verify.VerificationRecord;
import io.des.verify.VerificationStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** Coordination, topics and a planner per configured source, from {@link CoordinatorProperties}. */
@Configuration(proxyBeanMethods = false)
class CoordinatorConfiguration {

  @Bean(destroyMethod = "close")
  RedisCoordination coordination(CoordinatorProperties properties) {
    CoordinatorProperties.Redis redis = properties.redis();
    return RedisCoordination.connect(redis.address(), redis.prefix(), redis.leaseTimeout());
  }

  @Bean
  JobLedger ledger(RedisCoordination coordination) {
    return coordination.ledger();
  }

  @Bean(destroyMethod = "close")
  LeaderElection leaderElection(RedisCoordination coordination) {
    return coordination.election("coordinator", java.time.Duration.ofSeconds(1));
  }

  /** Reads the jobs topic past the workers' committed offsets, without joining their group. */
  @Bean
  StrandedJobs strandedJobs(CoordinatorProperties properties, KafkaAdmin kafkaAdmin, KafkaProperties kafka, JobLedger ledger) {
    Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
    consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new StrandedJobs(() -> Admin.create(kafkaAdmin.getConfigurationProperties()),
        () -> new KafkaConsumer<>(consumer), List.of(properties.kafka().jobsTopic(), properties.kafka().repackTopic()),
        properties.kafka().workerGroup(), ledger);
  }

  @Bean
  NewTopic jobsTopic(CoordinatorProperties properties) {
    return TopicBuilder.name(properties.kafka().jobsTopic()).partitions(properties.kafka().partitions()).build();
  }

  @Bean
  NewTopic repackTopic(CoordinatorProperties properties) {
    return TopicBuilder.name(properties.kafka().repackTopic()).partitions(properties.kafka().partitions()).build();
  }

  /** Only when {@code des.store} is set: the archive whose tombstones the erasure scheduler reads. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("des.store")
  BlobStore blobStore(CoordinatorProperties properties) {
    return BlobStores.open(properties.store(), b -> properties.s3Endpoint() == null ? b : b.endpoint(properties.s3Endpoint()));
  }

  /** Only when {@code des.store} is set: publishes repack jobs that keep the erasure promise. */
  @Bean
  @ConditionalOnProperty("des.store")
  ErasureScheduler erasureScheduler(BlobStore store, CoordinatorProperties properties, JobLedger ledger, KafkaTemplate<String, byte[]> kafka,
      LeaderElection election, MeterRegistry meters) {
    Archive archive = Archive.withBits(store, properties.nBits(), ReaderLimits.DEFAULTS);
    CoordinatorProperties.Repack repack = properties.repack();
    Repacker repacker = new Repacker(archive, RepackOptions.defaults().withGrace(repack.grace()), Clock.systemUTC());
    VerificationStore verifications = new VerificationStore(store);
    return new ErasureScheduler(election, archive, repacker, prefix -> failedShards(verifications, prefix), ledger, kafka, properties.kafka().repackTopic(),
        repack.deletedRatio(), repack.deadlineMargin(), repack.retryFailedAfter(), Clock.systemUTC(), meters);
  }

  private static java.util.stream.Stream<String> failedShards(VerificationStore verifications, String prefix) {
    try {
      return verifications.failures(prefix).map(VerificationRecord::shard);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Bean
  NewTopic deadLetterTopic(CoordinatorProperties properties) {
    return TopicBuilder.name(properties.kafka().deadLetterTopic()).partitions(1).build();
  }

  /** Only when {@code des.coordinator.landing} is set: the landing folder's planner (closing it ends the folder's watch). */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("des.coordinator.landing")
  Planner landingPlanner(CoordinatorProperties properties, JobLedger ledger, KafkaTemplate<String, byte[]> kafka) {
    CoordinatorProperties.Coordinator c = properties.coordinator();
    Router router = new Router(properties.nBits());
    return planner(new LandingSource(c.landing(), router, c.settle(), Clock.systemUTC()), properties, ledger, kafka);
  }

  /** The landing store, in its own type so that it is never taken for the archive's store. */
  record LandingStore(BlobStore store) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      store.close();
    }
  }

  /** Only when {@code des.landing.store} is set: an S3 prefix (or a folder) laid out as a landing folder. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("des.landing.store")
  LandingStore landingStore(CoordinatorProperties properties) {
    return new LandingStore(BlobStores.open(properties.landing().store(),
        b -> properties.s3Endpoint() == null ? b : b.endpoint(properties.s3Endpoint())));
  }

  /** Only when {@code des.landing.store} is set: the landing store's planner. */
  @Bean
  @ConditionalOnProperty("des.landing.store")
  Planner landingStorePlanner(LandingStore landing, CoordinatorProperties properties, JobLedger ledger, KafkaTemplate<String, byte[]> kafka) {
    return planner(new StoreLandingSource(landing.store(), new Router(properties.nBits())), properties, ledger, kafka);
  }

  /** Only when {@code des.database.url} is set: the connections to the table of file records. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("des.database.url")
  HikariDataSource databaseSourceConnections(CoordinatorProperties properties) {
    CoordinatorProperties.Database db = properties.database();
    HikariDataSource pool = DataSourceBuilder.create().type(HikariDataSource.class)
        .url(db.url()).username(db.username()).password(db.password()).build();
    pool.setPoolName("des-database-source");
    pool.setMaximumPoolSize(2); // one scan at a time
    return pool;
  }

  /** Only when {@code des.database.url} is set: the table of file records' planner. */
  @Bean
  @ConditionalOnProperty("des.database.url")
  Planner databasePlanner(CoordinatorProperties properties, HikariDataSource databaseSourceConnections, JobLedger ledger,
      KafkaTemplate<String, byte[]> kafka) {
    CoordinatorProperties.Database db = properties.database();
    CoordinatorProperties.Columns c = db.columns();
    SourceTable table = new SourceTable(db.table(), c.uid(), c.createdAt(), c.fileLocation(), c.sizeBytes(), c.archived());
    CutoffPolicy cutoffs = db.watermarkTable() == null || db.watermarkTable().isBlank()
        ? new AgeCutoff(db.archiveAgeDays(), Clock.systemUTC())
        : new Watermark(db.watermarkTable(), table, db.archiveAgeDays(), Clock.systemUTC());
    JdbcTemplate jdbc = new JdbcTemplate(databaseSourceConnections);
    jdbc.setQueryTimeout(60);
    return planner(new DatabaseSource(jdbc, table, cutoffs, new Router(properties.nBits()), DatabaseSource.PAGE_ROWS), properties, ledger, kafka);
  }

  private static Planner planner(FileSource source, CoordinatorProperties properties, JobLedger ledger,
      KafkaTemplate<String, byte[]> kafka) {
    CoordinatorProperties.Coordinator c = properties.coordinator();
    JobPlanner jobs = new JobPlanner(properties.nBits(), source.kind(), c.maxJobBytes(), c.maxJobFiles());
    JobMessages messages = new JobMessages(c.jobsPerMessage(), c.messageBytes().toBytes());
    return new Planner(source, ledger, kafka, properties.kafka().jobsTopic(), jobs, messages, new Router(properties.nBits()),
        c.maxFilesPerScan(), Clock.systemUTC());
  }
}
