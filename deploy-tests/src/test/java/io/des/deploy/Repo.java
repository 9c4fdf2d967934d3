package io.des.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the checkout this module lives in (surefire runs the tests in the module's folder). */
final class Repo {
  private static final Path ROOT = findRoot();

  private Repo() {}

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("helm/des/Chart.yaml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("No checkout with helm/des/Chart.yaml above " + dir);
  }
}
