package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart lints clean and renders, under each values file, only manifests Kubernetes accepts. */
class ChartRenderTest {

  @Test
  void lintFindsNoErrorOrWarning() {
    LintResult result = Chart.lint();

    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "keda-off.yaml", "fixed-replicas.yaml", "servicemonitor.yaml", "minio-secret.yaml", "irsa.yaml"})
  void everyDocumentParsesIntoItsModelWithNoUnknownField(String valuesFile) {
    Manifests manifests = valuesFile.isEmpty() ? Chart.withDefaults().render() : Chart.withDefaults().values(valuesFile).render();

    assertThat(manifests.documents()).hasSizeGreaterThan(10);
    for (HasMetadata document : manifests.documents()) {
      assertThat(UnknownFields.in(document)).as("%s %s", document.getKind(), document.getMetadata().getName()).isEmpty();
    }
    assertThat(manifests.all(GenericKubernetesResource.class)).extracting(HasMetadata::getKind)
        .as("only the custom resources have no typed model").allMatch(kind -> List.of("ScaledObject", "ServiceMonitor").contains(kind));
  }

  @Test
  void defaultsRenderTheFleet() {
    Manifests manifests = Chart.withDefaults().render();

    assertThat(manifests.documents()).extracting(d -> d.getKind() + "/" + d.getMetadata().getName()).containsExactlyInAnyOrder(
        "ServiceAccount/des", "ConfigMap/des-fleet", "ConfigMap/des-retriever", "PersistentVolumeClaim/des-landing",
        "Deployment/des-coordinator", "Service/des-coordinator", "PodDisruptionBudget/des-coordinator",
        "Deployment/des-worker", "Service/des-worker", "ScaledObject/des-worker",
        "Deployment/des-retriever", "Service/des-retriever", "PodDisruptionBudget/des-retriever",
        "HorizontalPodAutoscaler/des-retriever");
  }

  @Test
  void unknownFieldWalkReportsTyposAtTheirPlace() {
    Deployment typo = Manifests.parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: typo}
        spec:
          replica: 3
          template:
            spec:
              containers:
                - name: app
                  image: app:1
                  livenessProbe: {httpGet: {path: /, port: 80}, periodSecond: 5}
        """).all(Deployment.class).get(0);

    assertThat(UnknownFields.in(typo)).containsExactlyInAnyOrder(
        "$.spec: [replica]", "$.spec.template.spec.containers[0].livenessProbe: [periodSecond]");
  }
}
