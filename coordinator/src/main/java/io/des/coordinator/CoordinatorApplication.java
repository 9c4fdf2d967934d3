package io.des.coordinator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The coordinator: when elected, scans the sources and publishes pack jobs to Kafka. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CoordinatorApplication {
  public static void main(String[] args) {
    SpringApplication.run(CoordinatorApplication.class, args);
  }
}
