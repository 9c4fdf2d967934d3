package io.des.deploy;

import static io.des.deploy.ChartEnvironmentTest.bindable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workers scale with the job queue: KEDA on the consumer group's lag, or an HPA on the
 * coordinator's des_packer_queue_depth; never beyond the jobs topic's partitions.
 */
class WorkerScalingTest {
  private static final String WORKER = Manifests.nameOf(App.WORKER);

  @Test
  void kedaWatchesTheLagOfTheWorkersGroupOnTheJobsTopic() {
    Manifests manifests = Chart.withDefaults().render();
    GenericKubernetesResource scaled = single(manifests, "ScaledObject");
    Map<String, String> env = manifests.environment(App.WORKER);
    EnvBinding worker = EnvBinding.of(App.WORKER, bindable(env));

    assertThat(scaled.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
    assertThat(scaled.getAdditionalProperties().get("spec")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsKeys("scaleTargetRef", "minReplicaCount", "maxReplicaCount", "triggers")
        .extracting(Map::keySet).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.COLLECTION)
        .isSubsetOf("scaleTargetRef", "minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod",
            "idleReplicaCount", "initialCooldownPeriod", "fallback", "advanced", "triggers");
    assertThat((String) scaled.get("spec", "scaleTargetRef", "name")).isEqualTo(WORKER);
    assertThat((String) scaled.get("spec", "triggers", 0, "type")).isEqualTo("kafka");
    Map<String, Object> trigger = scaled.get("spec", "triggers", 0, "metadata");
    assertThat(trigger.keySet()).isSubsetOf("bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold",
        "offsetResetPolicy", "allowIdleConsumers", "limitToPartitionsWithLag", "scaleToZeroOnInvalidOffset", "excludePersistentLag");
    assertThat(trigger.get("consumerGroup")).isEqualTo(env.get("SPRING_KAFKA_CONSUMER_GROUPID"))
        .isEqualTo(App.WORKER.applicationProperties().getProperty("spring.kafka.consumer.group-id"));
    assertThat(trigger.get("topic")).isEqualTo(worker.setting("kafka.jobsTopic")).isEqualTo("des.pack-jobs");
    assertThat(trigger.get("bootstrapServers")).isEqualTo(env.get("SPRING_KAFKA_BOOTSTRAPSERVERS"));
    assertThat(trigger.get("offsetResetPolicy"))
        .isEqualTo(App.WORKER.applicationProperties().getProperty("spring.kafka.consumer.auto-offset-reset"));
    assertThat(trigger.get("lagThreshold")).isInstanceOf(String.class);
    // Repack jobs (deletions) wake and scale the workers too.
    Map<String, Object> repack = scaled.get("spec", "triggers", 1, "metadata");
    assertThat(repack.get("topic")).isEqualTo(worker.setting("kafka.repackTopic")).isEqualTo("des.repack-jobs");
    assertThat(repack.get("consumerGroup")).isEqualTo(trigger.get("consumerGroup"));
    assertThat((java.util.List<?>) scaled.get("spec", "triggers")).hasSize(2);
    assertThat((Integer) scaled.get("spec", "maxReplicaCount")).isLessThanOrEqualTo((Integer) worker.setting("kafka.partitions"));
    assertThat(manifests.deployment(App.WORKER).getSpec().getReplicas()).as("left to the autoscaler").isNull();
    assertThat(manifests.find(HorizontalPodAutoscaler.class, WORKER)).isEmpty();
  }

  @Test
  void withoutKedaAnHpaFollowsTheCoordinatorsQueueDepth() {
    Manifests manifests = Chart.withDefaults().values("keda-off.yaml").render();
    HorizontalPodAutoscaler hpa = manifests.get(HorizontalPodAutoscaler.class, WORKER);
    EnvBinding worker = EnvBinding.of(App.WORKER, bindable(manifests.environment(App.WORKER)));

    assertThat(manifests.custom("ScaledObject")).isEmpty();
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(WORKER);
    assertThat(hpa.getSpec().getMaxReplicas()).isLessThanOrEqualTo((Integer) worker.setting("kafka.partitions"));
    MetricSpec metric = hpa.getSpec().getMetrics().get(0);
    assertThat(metric.getType()).isEqualTo("External");
    assertThat(metric.getExternal().getMetric().getName()).isEqualTo("des_packer_queue_depth");
    assertThat(metric.getExternal().getMetric().getSelector().getMatchLabels()).containsEntry("service", "des-coordinator");
    assertThat(metric.getExternal().getTarget().getType()).isEqualTo("AverageValue");
  }

  @Test
  void fixedReplicasWithoutAutoscaling() {
    Manifests manifests = Chart.withDefaults().values("fixed-replicas.yaml").render();

    assertThat(manifests.custom("ScaledObject")).isEmpty();
    assertThat(manifests.all(HorizontalPodAutoscaler.class)).isEmpty();
    assertThat(manifests.deployment(App.WORKER).getSpec().getReplicas()).isEqualTo(3);
    assertThat(manifests.deployment(App.RETRIEVER).getSpec().getReplicas()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void moreWorkersThanPartitionsFailsTheRender(boolean keda) {
    Chart chart = Chart.withDefaults().set("workers.autoscaling.keda.enabled", keda).set("workers.autoscaling.maxReplicas", 7);

    assertThatThrownBy(chart::render).hasMessageContaining(
        "workers.autoscaling.maxReplicas (7) exceeds kafka.partitions (6): a worker beyond the partition count of des.pack-jobs gets no partition");
  }

  @Test
  void moreFixedWorkersThanPartitionsFailsTheRender() {
    Chart chart = Chart.withDefaults().values("fixed-replicas.yaml").set("workers.replicas", 8);

    assertThatThrownBy(chart::render).hasMessageContaining("workers.replicas (8) exceeds kafka.partitions (6)");
  }

  @Test
  void morePartitionsAllowMoreWorkers() {
    Manifests manifests = Chart.withDefaults().set("kafka.partitions", 12).set("workers.autoscaling.maxReplicas", 12).render();
    EnvBinding worker = EnvBinding.of(App.WORKER, bindable(manifests.environment(App.WORKER)));

    assertThat(worker.setting("kafka.partitions")).isEqualTo(12);
    assertThat((Integer) single(manifests, "ScaledObject").get("spec", "maxReplicaCount")).isEqualTo(12);
  }

  @Test
  void aGracePeriodShorterThanTheShutdownTimeoutFailsTheRender() {
    Chart chart = Chart.withDefaults().set("workers.terminationGracePeriodSeconds", 60);

    assertThatThrownBy(chart::render).hasMessageContaining(
        "workers.terminationGracePeriodSeconds (60) must be at least workers.shutdownTimeoutSeconds (60) + 20");
  }

  @Test
  void scalingToZeroNeedsKeda() {
    Chart chart = Chart.withDefaults().values("keda-off.yaml").set("workers.autoscaling.minReplicas", 0);

    assertThatThrownBy(chart::render).hasMessageContaining("an HPA cannot scale from zero");
    assertThat((Integer) single(Chart.withDefaults().set("workers.autoscaling.minReplicas", 0).render(), "ScaledObject")
        .get("spec", "minReplicaCount")).isZero();
  }

  private static GenericKubernetesResource single(Manifests manifests, String kind) {
    assertThat(manifests.custom(kind)).hasSize(1);
    return manifests.custom(kind).get(0);
  }
}
