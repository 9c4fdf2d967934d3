package io.des.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The documents of one render, each parsed into fabric8's typed model (CRDs stay generic). */
record Manifests(String yaml, List<HasMetadata> documents) {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static Manifests parse(String yaml) {
    List<HasMetadata> documents = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#"))) {
        documents.add(SERIALIZATION.unmarshal(document));
      }
    }
    return new Manifests(yaml, documents);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return documents.stream().filter(d -> d.getClass() == type).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError("No " + type.getSimpleName() + " " + name + " in:\n" + yaml));
  }

  /** The custom resources of one kind (ScaledObject, ServiceMonitor). */
  List<GenericKubernetesResource> custom(String kind) {
    return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
  }

  /** The object names of one app: des-coordinator, des-worker, des-retriever. */
  static String nameOf(App app) {
    return Chart.RELEASE + "-" + app.module;
  }

  Deployment deployment(App app) {
    return get(Deployment.class, nameOf(app));
  }

  Service service(App app) {
    return get(Service.class, nameOf(app));
  }

  static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    if (containers.size() != 1) {
      throw new AssertionError(deployment.getMetadata().getName() + " has " + containers.size() + " containers");
    }
    return containers.get(0);
  }

  /**
   * The environment of an app's container as the kubelet builds it: its ConfigMaps first, then its
   * own variables. A value taken from the pod or a Secret is shown as {@code <from ...>}.
   */
  Map<String, String> environment(App app) {
    Container container = container(deployment(app));
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
      env.putAll(get(ConfigMap.class, from.getConfigMapRef().getName()).getData());
    }
    for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      env.put(var.getName(), var.getValueFrom() == null ? var.getValue() : "<from " + source(var) + ">");
    }
    return env;
  }

  private static String source(EnvVar var) {
    var from = var.getValueFrom();
    if (from.getFieldRef() != null) {
      return "field " + from.getFieldRef().getFieldPath();
    }
    if (from.getSecretKeyRef() != null) {
      return "secret " + from.getSecretKeyRef().getName() + "/" + from.getSecretKeyRef().getKey();
    }
    return from.toString();
  }
}
