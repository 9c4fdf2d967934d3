package io.des.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** helm/des, rendered with Helm 3 (helm-java's native library) the way `helm template` would. */
final class Chart {
  static final String RELEASE = "des";
  static final String NAMESPACE = "archive";
  /** The cluster version rendered for (helm-java would otherwise assume 1.20, below the chart's minimum). */
  static final String KUBE_VERSION = "1.32.0";

  private final List<Path> valuesFiles = new ArrayList<>();
  private final Map<String, Object> sets = new LinkedHashMap<>();

  static Chart withDefaults() {
    return new Chart();
  }

  /** Adds a values file from src/test/resources/values. */
  Chart values(String name) {
    valuesFiles.add(Path.of("src/test/resources/values", name).toAbsolutePath());
    return this;
  }

  /** The equivalent of {@code --set key=value}. */
  Chart set(String key, Object value) {
    sets.put(key, value);
    return this;
  }

  /** Renders the chart; a {@code fail} in a template is an IllegalStateException with its message. */
  Manifests render() {
    TemplateCommand template = new Helm(dir()).template()
        .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    valuesFiles.forEach(template::withValuesFile);
    sets.forEach(template::set);
    return Manifests.parse(template.call());
  }

  static LintResult lint() {
    return new Helm(dir()).lint().strict().call();
  }

  static Path dir() {
    return Repo.path("helm/des");
  }
}
