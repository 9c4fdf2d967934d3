package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two retriever processes' worth of Spring contexts, each on its own port, over one store: a DELETE
 * on one is seen by the other at once (no cache to invalidate), and concurrent DELETEs on both never
 * lose each other. A third, with no credential configured, refuses every DELETE with 503.
 */
class DeleteAcrossInstancesTest {
  private static final int BITS = 8;
  private static final int FILES = 50;
  private static Path store;
  private static List<String> uids;
  private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private static DeleteFixtures.Client a;
  private static DeleteFixtures.Client b;
  private static DeleteFixtures.Client unconfigured;

  @BeforeAll
  static void start() throws Exception {
    uids = new ArrayList<>(List.of("seen-by-b", "never"));
    for (int i = 0; i < FILES; i++) {
      uids.add("many/" + i);
    }
    store = DeleteFixtures.pack(Files.createTempDirectory("des-two-retrievers").resolve("store"), BITS, uids);
    a = new DeleteFixtures.Client(start(DeleteFixtures.retrieverProperties(store)));
    b = new DeleteFixtures.Client(start(DeleteFixtures.retrieverProperties(store)));
    Map<String, Object> none = new HashMap<>(DeleteFixtures.retrieverProperties(store));
    none.remove("des.retriever.delete.api-keys");
    unconfigured = new DeleteFixtures.Client(start(none));
  }

  private static int start(Map<String, Object> properties) {
    // As command-line arguments: default properties would lose to application.properties' port.
    String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    ConfigurableApplicationContext context = new SpringApplicationBuilder(RetrieverApplication.class).run(args);
    contexts.add(context);
    return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  @AfterAll
  static void stop() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void aDeleteOnOneInstanceIs410OnTheOtherAtOnce() throws Exception {
    assertThat(b.get("/files/seen-by-b?created_at=2024-03-05").statusCode()).as("warm b's caches").isEqualTo(200);
    assertThat(a.deleteWithKey("seen-by-b").statusCode()).isEqualTo(200);
    HttpResponse<String> r = b.get("/files/seen-by-b?created_at=2024-03-05T01:00:00Z");
    assertThat(r.statusCode()).isEqualTo(410);
    assertThat(r.body()).isEqualTo("{\"detail\":\"File deleted\"}");
    assertThat(b.deleteWithKey("seen-by-b").statusCode()).isEqualTo(410);
  }

  @Test
  void concurrentDeletesOnBothInstancesAllLand() throws Exception {
    long before = DeleteFixtures.tombstones(store);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Map<String, List<Future<HttpResponse<String>>>> answers = new HashMap<>();
      for (int i = 0; i < FILES; i++) {
        String uid = "many/" + i;
        answers.put(uid, List.of(pool.submit(() -> a.deleteWithKey(uid)), pool.submit(() -> b.deleteWithKey(uid))));
      }
      for (Map.Entry<String, List<Future<HttpResponse<String>>>> e : answers.entrySet()) {
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<String>> f : e.getValue()) {
          statuses.add(f.get().statusCode());
        }
        assertThat(statuses).as("exactly one of the two DELETEs of %s wins", e.getKey()).containsExactlyInAnyOrder(200, 410);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(DeleteFixtures.tombstones(store) - before).isEqualTo(FILES);
    for (int i = 0; i < FILES; i++) {
      DeleteFixtures.Client reader = i % 2 == 0 ? a : b;
      assertThat(reader.get("/files/many/" + i + "?created_at=2024-03-05").statusCode()).isEqualTo(410);
    }
  }

  @Test
  void withNoCredentialConfiguredDeleteIs503AndReadsWork() throws Exception {
    for (HttpResponse<String> r : List.of(unconfigured.deleteWithKey("never"),
        unconfigured.delete("/files/never?created_at=2024-03-05&deleted_by=admin&reason=GDPR"))) {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("{\"detail\":\"Delete API not configured\"}");
    }
    assertThat(DeleteFixtures.tombstoned(store, BITS, "never")).isFalse();
    assertThat(unconfigured.get("/files/never?created_at=2024-03-05").body()).isEqualTo(DeleteFixtures.content("never"));
  }
}
