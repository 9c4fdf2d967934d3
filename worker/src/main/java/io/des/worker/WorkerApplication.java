package io.des.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A packing worker: takes pack jobs from Kafka and runs them under a fenced lock per shard key. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {
  public static void main(String[] args) {
    SpringApplication.run(WorkerApplication.class, args);
  }
}
