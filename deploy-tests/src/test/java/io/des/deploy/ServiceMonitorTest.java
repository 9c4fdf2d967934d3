package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The optional ServiceMonitor scrapes /actuator/prometheus on the three apps' Services. */
class ServiceMonitorTest {
  private static final Manifests MONITORED = Chart.withDefaults().values("servicemonitor.yaml").render();

  @Test
  void noServiceMonitorUnlessAskedFor() {
    assertThat(Chart.withDefaults().render().custom("ServiceMonitor")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void itSelectsEachAppsServiceAndItsMetricsPort(App app) {
    GenericKubernetesResource monitor = monitor();
    Service service = MONITORED.service(app);
    Map<String, String> labels = service.getMetadata().getLabels();
    Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
    List<Map<String, Object>> expressions = monitor.get("spec", "selector", "matchExpressions");

    assertThat(labels).containsAllEntriesOf(matchLabels);
    for (Map<String, Object> expression : expressions) {
      assertThat(expression.get("operator")).isEqualTo("In");
      List<?> values = (List<?>) expression.get("values");
      assertThat(values).as("%s", expression).anyMatch(v -> v.equals(labels.get((String) expression.get("key"))));
    }
    String port = monitor.get("spec", "endpoints", 0, "port");
    assertThat(service.getSpec().getPorts()).anyMatch(p -> p.getName().equals(port));
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void itScrapesTheEndpointEachAppExposes(App app) {
    assertThat((String) monitor().get("spec", "endpoints", 0, "path")).isEqualTo("/actuator/prometheus");
    assertThat(app.applicationProperties().getProperty("management.endpoints.web.exposure.include").split(",")).contains("prometheus");
  }

  @Test
  void itCarriesTheLabelsPrometheusSelectsBy() {
    GenericKubernetesResource monitor = monitor();

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat((String) monitor.get("spec", "endpoints", 0, "interval")).isEqualTo("15s");
    Map<String, Object> spec = monitor.get("spec");
    assertThat(spec.keySet()).containsExactlyInAnyOrder("selector", "endpoints");
  }

  private static GenericKubernetesResource monitor() {
    assertThat(MONITORED.custom("ServiceMonitor")).hasSize(1);
    return MONITORED.custom("ServiceMonitor").get(0);
  }
}
