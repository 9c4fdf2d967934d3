package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The environment the chart gives each app binds, through Spring Boot's relaxed binding, to
 * properties that app declares (its own properties record from its jar, Spring Boot's
 * KafkaProperties): a misspelt or misplaced variable would be silently ignored by the app.
 */
class ChartEnvironmentTest {
  @Test
  void theVariablesTheChartReliesOn() {
    Manifests manifests = Chart.withDefaults().set("s3.endpoint", "http://minio:9000").render();
    Set<String> shared = Set.of("DES_STORE", "DES_S3ENDPOINT", "DES_NBITS", "DES_REDIS_ADDRESS", "DES_REDIS_PREFIX",
        "DES_REDIS_LEASETIMEOUT", "DES_KAFKA_JOBSTOPIC", "DES_KAFKA_DEADLETTERTOPIC", "DES_KAFKA_PARTITIONS", "DES_KAFKA_REPACKTOPIC", "DES_REPACK_GRACE",
        "SPRING_KAFKA_BOOTSTRAPSERVERS", "AWS_REGION");

    assertThat(manifests.environment(App.COORDINATOR).keySet()).containsExactlyInAnyOrderElementsOf(union(shared, "DES_COORDINATOR_LANDING",
        "DES_REPACK_DELETEDRATIO", "DES_REPACK_DEADLINEMARGIN", "DES_REPACK_SCANINTERVAL"));
    assertThat(manifests.environment(App.WORKER).keySet()).containsExactlyInAnyOrderElementsOf(union(shared, "DES_WORKER_ID",
        "DES_WORKER_SHUTDOWNTIMEOUT", "DES_SCRUB_ENABLED", "DES_SCRUB_INTERVAL", "DES_SCRUB_SHARDSPERRUN", "DES_SCRUB_PARALLEL",
        "SPRING_KAFKA_CONSUMER_GROUPID", "SPRING_KAFKA_CONSUMER_PROPERTIES_SESSION_TIMEOUT_MS", "SPRING_KAFKA_LISTENER_CONCURRENCY"));
    assertThat(manifests.environment(App.RETRIEVER).keySet()).containsExactlyInAnyOrder(
        "DES_RETRIEVER_STORE", "DES_RETRIEVER_S3ENDPOINT", "DES_RETRIEVER_NBITS", "DES_RETRIEVER_ERASUREWINDOW", "AWS_REGION");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "keda-off.yaml", "fixed-replicas.yaml", "minio-secret.yaml", "irsa.yaml", "delete-auth.yaml"})
  void everySettingVariableBindsInItsCanonicalForm(String valuesFile) {
    Chart chart = Chart.withDefaults().set("s3.endpoint", "http://minio:9000");
    Manifests manifests = (valuesFile.isEmpty() ? chart : chart.values(valuesFile)).render();

    for (App app : App.values()) {
      Map<String, String> env = bindable(manifests.environment(app));

      assertThat(EnvBinding.of(app, env).problems(env)).as("%s", app).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void everyPropertyTheLocalLauncherGivesTheAppIsSet(App app) {
    Manifests manifests = Chart.withDefaults().set("s3.endpoint", "http://minio:9000").render();
    EnvBinding binding = EnvBinding.of(app, bindable(manifests.environment(app)));
    Set<String> expected = new TreeSet<>(FleetLocalDoc.propertiesOf(app));
    // The containers listen on the apps' default ports (ChartWorkloadsTest).
    expected.remove("server.port");

    assertThat(binding.propertyOfEnv().values()).containsAll(expected);
  }

  @Test
  void valuesArriveAsTheAppsTypes() {
    Manifests manifests = Chart.withDefaults().values("minio-secret.yaml").render();
    EnvBinding worker = EnvBinding.of(App.WORKER, bindable(manifests.environment(App.WORKER)));
    EnvBinding retriever = EnvBinding.of(App.RETRIEVER, bindable(manifests.environment(App.RETRIEVER)));

    assertThat(worker.setting("store")).isEqualTo("s3://archive/des");
    assertThat(worker.setting("s3Endpoint")).isEqualTo(URI.create("http://minio.storage:9000"));
    assertThat(worker.setting("nBits")).isEqualTo(8);
    assertThat(worker.setting("redis.leaseTimeout")).isEqualTo(Duration.ofSeconds(10));
    assertThat(worker.setting("kafka.partitions")).isEqualTo(6);
    assertThat(worker.setting("worker.maxAttempts")).isEqualTo(6);
    assertThat(worker.setting("worker.id")).isEqualTo(SAMPLE_POD_NAME);
    assertThat(retriever.setting("store")).isEqualTo("s3://archive-replica/des");
    assertThat(retriever.setting("s3Endpoint")).isEqualTo(URI.create("http://minio.storage:9000"));
  }

  @Test
  void aLandingStoreReachesTheCoordinatorAndTheWorkers() {
    Manifests manifests = Chart.withDefaults().set("landing.store", "s3://landing/incoming").render();
    for (App app : List.of(App.COORDINATOR, App.WORKER)) {
      Map<String, String> env = bindable(manifests.environment(app));
      EnvBinding binding = EnvBinding.of(app, env);
      assertThat(binding.problems(env)).as("%s", app).isEmpty();
      assertThat(binding.setting("landing.store")).as("%s", app).isEqualTo("s3://landing/incoming");
    }
    assertThat(manifests.environment(App.RETRIEVER)).doesNotContainKey("DES_LANDING_STORE");
  }

  @Test
  void deleteCredentialsReachTheRetrieverOnly() {
    Manifests manifests = Chart.withDefaults().values("delete-auth.yaml").render();
    Map<String, String> env = manifests.environment(App.RETRIEVER);
    EnvBinding retriever = EnvBinding.of(App.RETRIEVER, bindable(env));

    assertThat(env.get("DES_RETRIEVER_DELETE_APIKEYS")).contains("des-delete-keys").contains("DES_DELETE_API_KEY");
    assertThat(retriever.propertyOfEnv()).containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI",
        "spring.security.oauth2.resourceserver.jwt.issuer-uri");
    assertThat(retriever.setting("erasureWindow")).isEqualTo(Duration.ofHours(24));
    for (App app : List.of(App.COORDINATOR, App.WORKER)) {
      assertThat(manifests.environment(app).keySet()).noneMatch(name -> name.contains("APIKEYS") || name.contains("OAUTH2"));
    }
  }

  @Test
  void workerShutdownTimeoutLeavesTimeWithinTheGracePeriod() {
    Manifests manifests = Chart.withDefaults().render();
    Duration shutdown = (Duration) EnvBinding.of(App.WORKER, bindable(manifests.environment(App.WORKER))).setting("worker.shutdownTimeout");
    long grace = manifests.deployment(App.WORKER).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();

    assertThat(shutdown).isEqualTo(Duration.ofSeconds(60));
    assertThat(Duration.ofSeconds(grace)).isGreaterThanOrEqualTo(shutdown.plusSeconds(20));
  }

  @Test
  void s3KeysComeFromTheExistingSecretForTheAppsThatReadS3() {
    Manifests withSecret = Chart.withDefaults().values("minio-secret.yaml").render();
    Manifests defaults = Chart.withDefaults().render();

    for (App app : Set.of(App.WORKER, App.RETRIEVER)) {
      assertThat(withSecret.environment(app))
          .containsEntry("AWS_ACCESS_KEY_ID", "<from secret des-s3/AWS_ACCESS_KEY_ID>")
          .containsEntry("AWS_SECRET_ACCESS_KEY", "<from secret des-s3/AWS_SECRET_ACCESS_KEY>");
    }
    for (App app : App.values()) {
      assertThat(defaults.environment(app)).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    }
    assertThat(withSecret.environment(App.COORDINATOR)).doesNotContainKey("AWS_ACCESS_KEY_ID");
    assertThat(withSecret.documents()).noneMatch(d -> d.getKind().equals("Secret"));
  }

  static final String SAMPLE_POD_NAME = "des-worker-7d9f8-abcde";

  /** The environment with what the kubelet would fill in: the pod's name for a field reference. */
  static Map<String, String> bindable(Map<String, String> env) {
    Map<String, String> result = new LinkedHashMap<>(env);
    result.replaceAll((name, value) -> value.equals("<from field metadata.name>") ? SAMPLE_POD_NAME : value);
    return result;
  }

  private static Set<String> union(Set<String> set, String... more) {
    Set<String> result = new TreeSet<>(set);
    result.addAll(Set.of(more));
    return result;
  }
}
