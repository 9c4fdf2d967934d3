package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose/compose.yaml parses (anchors and merge keys resolved as Compose does) and gives
 * each app the settings docs/fleet-local.md gives it, under names the app binds.
 */
class ComposeTest {
  private static final Path DIR = Repo.path("deploy/compose");
  private static final Map<String, Map<String, Object>> SERVICES = services();

  @Test
  void itRunsTheWholeFleet() {
    assertThat(SERVICES.keySet()).containsExactlyInAnyOrder(
        "kafka", "redis", "minio", "minio-init", "coordinator", "worker-1", "worker-2", "retriever");
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker-1", "worker-2", "retriever"})
  void everySettingVariableBindsInItsCanonicalForm(String service) {
    Map<String, String> env = environment(service);

    assertThat(EnvBinding.of(appOf(service), env).problems(env)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker-1", "worker-2", "retriever"})
  void everyPropertyTheLocalLauncherGivesTheAppIsSet(String service) {
    App app = appOf(service);
    Set<String> expected = new TreeSet<>(FleetLocalDoc.propertiesOf(app));
    // The containers listen on the apps' default ports (itPublishesTheAppsDefaultPorts).
    expected.remove("server.port");

    assertThat(EnvBinding.of(app, environment(service)).propertyOfEnv().values()).containsAll(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker-1", "worker-2", "retriever"})
  void itPublishesTheAppsDefaultPorts(String service) {
    List<?> ports = (List<?>) SERVICES.get(service).get("ports");

    assertThat(ports).singleElement().asString().endsWith(":" + appOf(service).defaultPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker-1", "worker-2", "retriever"})
  void itBuildsTheAppsImageFromItsDockerfile(String service) {
    Map<?, ?> build = (Map<?, ?>) SERVICES.get(service).get("build");
    Path context = DIR.resolve((String) build.get("context")).normalize();

    assertThat(context).isEqualTo(Repo.path("").normalize());
    assertThat(context.resolve((String) build.get("dockerfile"))).isEqualTo(Repo.path("deploy/docker/" + appOf(service).module + ".Dockerfile")).isRegularFile();
  }

  @Test
  void workersFindTheLandingFilesWhereTheCoordinatorSawThem() {
    String landing = environment("coordinator").get("DES_COORDINATOR_LANDING");
    List<?> volumes = (List<?>) SERVICES.get("coordinator").get("volumes");

    assertThat(volumes).singleElement().asString().endsWith(":" + landing);
    for (String worker : List.of("worker-1", "worker-2")) {
      assertThat((List<?>) SERVICES.get(worker).get("volumes")).isEqualTo(volumes);
    }
    assertThat(environment("worker-1").get("DES_WORKER_ID")).isNotEqualTo(environment("worker-2").get("DES_WORKER_ID"));
  }

  @Test
  void theAppsUseTheBrokerAndTheBucketTheComposeFileStarts() {
    Map<String, String> kafka = environment("kafka");
    Map<String, String> minio = environment("minio");
    String init = String.join(" ", ((List<?>) SERVICES.get("minio-init").get("entrypoint")).stream().map(Object::toString).toList());
    String bucket = URI.create(environment("worker-1").get("DES_STORE")).getHost();

    assertThat((String) SERVICES.get("kafka").get("image")).startsWith("apache/kafka:");
    assertThat(kafka.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + environment("coordinator").get("SPRING_KAFKA_BOOTSTRAPSERVERS"));
    assertThat(init).contains("mc mb --ignore-existing des/" + bucket);
    assertThat(URI.create(environment("retriever").get("DES_RETRIEVER_STORE")).getHost()).isEqualTo(bucket);
    for (String service : List.of("worker-1", "worker-2", "retriever")) {
      assertThat(environment(service))
          .containsEntry("AWS_ACCESS_KEY_ID", minio.get("MINIO_ROOT_USER"))
          .containsEntry("AWS_SECRET_ACCESS_KEY", minio.get("MINIO_ROOT_PASSWORD"));
    }
  }

  private static App appOf(String service) {
    return App.valueOf(service.replaceAll("-\\d+$", "").toUpperCase(java.util.Locale.ROOT));
  }

  private static Map<String, String> environment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    ((Map<?, ?>) SERVICES.get(service).get("environment")).forEach((k, v) -> env.put(k.toString(), String.valueOf(v)));
    return env;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() {
    try {
      Map<String, Object> compose = new Yaml().load(Files.readString(DIR.resolve("compose.yaml")));
      return (Map<String, Map<String, Object>>) compose.get("services");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
