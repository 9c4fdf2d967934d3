package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.yaml.snakeyaml.Yaml;

/** The three Deployments: images, ports, probes, security, resources, disruption and volumes. */
class ChartWorkloadsTest {
  private static final Manifests DEFAULTS = Chart.withDefaults().render();

  @ParameterizedTest
  @EnumSource(App.class)
  void imageIsTheAppsAtTheChartsAppVersion(App app) throws IOException {
    Map<String, Object> chart = new Yaml().load(Files.readString(Chart.dir().resolve("Chart.yaml")));

    assertThat(Manifests.container(DEFAULTS.deployment(app)).getImage()).isEqualTo("des-" + app.module + ":" + chart.get("appVersion"));
  }

  @Test
  void registryAndTagPrefixAndReplaceTheImage() {
    Manifests manifests = Chart.withDefaults().set("image.registry", "ghcr.io/acme/").set("image.tag", "1.2.3").render();

    assertThat(Manifests.container(manifests.deployment(App.WORKER)).getImage()).isEqualTo("ghcr.io/acme/des-worker:1.2.3");
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void containerAndServiceUseThePortTheAppListensOn(App app) {
    Container container = Manifests.container(DEFAULTS.deployment(app));
    Service service = DEFAULTS.service(app);

    assertThat(container.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("http");
      assertThat(port.getContainerPort()).isEqualTo(app.defaultPort());
    });
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
    assertThat(service.getSpec().getSelector()).isEqualTo(DEFAULTS.deployment(app).getSpec().getSelector().getMatchLabels());
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void probesAskTheActuatorHealthGroupsTheAppExposes(App app) {
    Container container = Manifests.container(DEFAULTS.deployment(app));

    assertThat(app.applicationProperties().getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
    assertProbe(container.getLivenessProbe(), "/actuator/health/liveness");
    assertProbe(container.getStartupProbe(), "/actuator/health/liveness");
    assertProbe(container.getReadinessProbe(), "/actuator/health/readiness");
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void workersGetTheGracePeriodTheirShutdownNeeds() {
    PodSpec worker = DEFAULTS.deployment(App.WORKER).getSpec().getTemplate().getSpec();

    assertThat(worker.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(90L);
  }

  @Test
  void coordinatorsAreALeaderAndAStandby() {
    assertThat(DEFAULTS.deployment(App.COORDINATOR).getSpec().getReplicas()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void podsRunAsNonRootOnAReadOnlyRootWithATmpEmptyDir(App app) {
    PodSpec pod = DEFAULTS.deployment(app).getSpec().getTemplate().getSpec();
    Container container = Manifests.container(DEFAULTS.deployment(app));

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    VolumeMount tmp = mountAt(container, "/tmp");
    assertThat(volume(pod, tmp.getName()).getEmptyDir()).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void containersRequestAndLimitCpuAndMemory(App app) {
    var resources = Manifests.container(DEFAULTS.deployment(app)).getResources();

    for (String resource : List.of("cpu", "memory")) {
      Quantity request = resources.getRequests().get(resource);
      Quantity limit = resources.getLimits().get(resource);
      assertThat(request).as("%s request", resource).isNotNull();
      assertThat(limit).as("%s limit", resource).isNotNull();
      assertThat(request.getNumericalAmount()).isLessThanOrEqualTo(limit.getNumericalAmount());
    }
  }

  @Test
  void coordinatorAndRetrieverHaveADisruptionBudgetForTheirPods() {
    for (App app : List.of(App.COORDINATOR, App.RETRIEVER)) {
      PodDisruptionBudget pdb = DEFAULTS.get(PodDisruptionBudget.class, Manifests.nameOf(app));
      Map<String, String> podLabels = DEFAULTS.deployment(app).getSpec().getTemplate().getMetadata().getLabels();
      assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
      assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }
    assertThat(DEFAULTS.find(PodDisruptionBudget.class, Manifests.nameOf(App.WORKER))).isEmpty();
  }

  @Test
  void retrieverScalesOnCpuAndLeavesItsReplicasToTheAutoscaler() {
    HorizontalPodAutoscaler hpa = DEFAULTS.get(HorizontalPodAutoscaler.class, Manifests.nameOf(App.RETRIEVER));

    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(DEFAULTS.deployment(App.RETRIEVER).getMetadata().getName());
    assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
      assertThat(metric.getResource().getName()).isEqualTo("cpu");
      assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
    });
    assertThat(DEFAULTS.deployment(App.RETRIEVER).getSpec().getReplicas()).isNull();
  }

  @Test
  void coordinatorAndWorkersShareTheLandingVolumeAtTheLandingPath() {
    Map<String, String> coordinatorEnv = DEFAULTS.environment(App.COORDINATOR);
    String landing = coordinatorEnv.get("DES_COORDINATOR_LANDING");

    for (App app : List.of(App.COORDINATOR, App.WORKER)) {
      PodSpec pod = DEFAULTS.deployment(app).getSpec().getTemplate().getSpec();
      VolumeMount mount = mountAt(Manifests.container(DEFAULTS.deployment(app)), landing);
      assertThat(volume(pod, mount.getName()).getPersistentVolumeClaim().getClaimName()).isEqualTo("des-landing");
    }
    assertThat(DEFAULTS.get(PersistentVolumeClaim.class, "des-landing").getSpec().getAccessModes()).containsExactly("ReadWriteMany");
  }

  @Test
  void anExistingLandingClaimIsUsedAndNoneIsCreated() {
    Manifests manifests = Chart.withDefaults().values("minio-secret.yaml").render();

    assertThat(manifests.all(PersistentVolumeClaim.class)).isEmpty();
    PodSpec worker = manifests.deployment(App.WORKER).getSpec().getTemplate().getSpec();
    assertThat(volume(worker, "landing").getPersistentVolumeClaim().getClaimName()).isEqualTo("shared-landing");
  }

  @Test
  void irsaAnnotatesTheServiceAccountEveryAppRunsAs() {
    Manifests manifests = Chart.withDefaults().values("irsa.yaml").render();

    var account = manifests.get(io.fabric8.kubernetes.api.model.ServiceAccount.class, "des");
    assertThat(account.getMetadata().getAnnotations()).containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/des");
    for (App app : App.values()) {
      assertThat(manifests.deployment(app).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("des");
    }
  }

  private static VolumeMount mountAt(Container container, String path) {
    return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("No volume " + name));
  }
}
