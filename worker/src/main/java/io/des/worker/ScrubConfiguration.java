package io.des.worker;

import io.des.archive.Archive;
import io.des.coord.CheckpointStore;
import io.des.coord.FencedLocks;
import io.des.verify.VerificationStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The {@link Scrubber}, run by Spring's scheduler thread (not a Kafka listener's) every {@code
 * des.scrub.interval}, unless {@code des.scrub.enabled} is false.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty(name = "des.scrub.enabled", havingValue = "true", matchIfMissing = true)
class ScrubConfiguration {

  @Bean
  Scrubber scrubber(Archive archive, FencedLocks locks, CheckpointStore checkpoints, WorkerProperties properties, MeterRegistry meters) {
    WorkerProperties.Scrub scrub = properties.scrub();
    return new Scrubber(archive, new VerificationStore(archive.store()), locks, checkpoints, scrub.shardsPerRun(), scrub.parallel(),
        Clock.systemUTC(), meters);
  }
}
