package io.des.coordinator;

import io.des.coord.JobLedger;
import io.des.coord.LeaderElection;
import io.des.coord.RedisCoordination;
import io.des.job.JobPlanner;
import io.des.job.SourceKind;
import io.des.routing.Router;
import java.time.Clock;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;

/** Coordination, topics and the planner, from {@link CoordinatorProperties}. */
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

  @Bean
  NewTopic jobsTopic(CoordinatorProperties properties) {
    return TopicBuilder.name(properties.kafka().jobsTopic()).partitions(properties.kafka().partitions()).build();
  }

  @Bean
  NewTopic deadLetterTopic(CoordinatorProperties properties) {
    return TopicBuilder.name(properties.kafka().deadLetterTopic()).partitions(1).build();
  }

  @Bean
  Planner planner(CoordinatorProperties properties, JobLedger ledger, KafkaTemplate<String, byte[]> kafka) {
    CoordinatorProperties.Coordinator c = properties.coordinator();
    if (c.landing() == null) {
      throw new IllegalStateException("des.coordinator.landing is not set: the landing folder to pack from");
    }
    Router router = new Router(properties.nBits());
    LandingSource landing = new LandingSource(c.landing(), router, c.settle(), Clock.systemUTC());
    JobPlanner jobs = new JobPlanner(properties.nBits(), SourceKind.LANDING, c.maxJobBytes(), c.maxJobFiles());
    return new Planner(landing, ledger, kafka, properties.kafka().jobsTopic(), jobs, router, c.maxFilesPerScan(), Clock.systemUTC());
  }
}
