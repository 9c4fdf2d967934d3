package io.des.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/docker/*.Dockerfile (no Docker engine here to build them): each copies its app's jar,
 * runs it as the user the chart expects, exposes its port and starts java in exec form.
 */
class DockerfileTest {

  @ParameterizedTest
  @EnumSource(App.class)
  void itStartsFromTheJre17Image(App app) throws IOException {
    assertThat(instructions(app, "FROM")).containsExactly("eclipse-temurin:17-jre");
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void itCopiesTheJarMavenBuildsForTheApp(App app) throws IOException {
    String[] copy = instructions(app, "COPY").get(0).split("\\s+");
    String source = copy[copy.length - 2];

    assertThat(source).startsWith(app.module + "/target/");
    var glob = FileSystems.getDefault().getPathMatcher("glob:" + source.substring(source.lastIndexOf('/') + 1));
    assertThat(glob.matches(Path.of(app.jarFileName()))).as("%s matches %s", source, app.jarFileName()).isTrue();
    assertThat(Files.readAllLines(Repo.path(".dockerignore"))).contains("!" + source);
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void itRunsAsTheNonRootUserTheChartRunsItAs(App app) throws IOException {
    Manifests defaults = Chart.withDefaults().render();
    long chartUser = defaults.deployment(app).getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser();

    assertThat(instructions(app, "USER")).containsExactly(chartUser + ":" + chartUser);
    assertThat(chartUser).isPositive();
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void itExposesThePortTheAppListensOn(App app) throws IOException {
    assertThat(instructions(app, "EXPOSE")).containsExactly(String.valueOf(app.defaultPort()));
  }

  @ParameterizedTest
  @EnumSource(App.class)
  void javaIsPidOneWithItsHeapFromTheMemoryLimit(App app) throws IOException {
    List<String> entrypoint = instructions(app, "ENTRYPOINT");
    assertThat(entrypoint).hasSize(1);
    // Exec form is a JSON array, which YAML reads as a flow sequence; shell form is a string.
    Object parsed = new Yaml().load(entrypoint.get(0));
    assertThat(parsed).as("exec form: %s", entrypoint.get(0)).isInstanceOf(List.class);
    List<String> argv = ((List<?>) parsed).stream().map(Object::toString).toList();

    assertThat(argv.get(0)).isEqualTo("java");
    assertThat(argv).anyMatch(arg -> arg.startsWith("-XX:MaxRAMPercentage="));
    assertThat(argv.subList(argv.size() - 2, argv.size())).containsExactly("-jar", "/app/app.jar");
    assertThat(instructions(app, "COPY").get(0)).endsWith(" /app/app.jar");
  }

  /** The arguments of every instruction of that name, continuation lines joined. */
  private static List<String> instructions(App app, String name) throws IOException {
    String text = Files.readString(Repo.path("deploy/docker/" + app.module + ".Dockerfile")).replaceAll("\\\\\\n", " ");
    List<String> found = new ArrayList<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith(name + " ")) {
        found.add(line.substring(name.length()).trim());
      }
    }
    return found;
  }
}
