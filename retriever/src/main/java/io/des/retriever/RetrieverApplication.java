package io.des.retriever;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Serves {@code GET /files/{uid}?created_at=...} from the archive named by {@code des.retriever.store}. */
@SpringBootApplication
@EnableConfigurationProperties(RetrieverProperties.class)
public class RetrieverApplication {
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(RetrieverApplication.class);
    app.setDefaultProperties(UpstreamEnvironment.defaults(System.getenv()));
    app.run(args);
  }
}
