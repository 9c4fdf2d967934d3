package io.des.fleet;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link Fleet} per test class, with its apps' logs in {@code target/fleet-logs/<class>}, and
 * the Redis view of its jobs ({@link BigJob}); both closed after the class.
 */
abstract class FleetTestBase {
  @TempDir static Path tmp;
  static Fleet fleet;
  static BigJob jobs;

  @BeforeAll
  static void startFleet(TestInfo info) throws Exception {
    String name = info.getTestClass().map(Class::getSimpleName).orElse("fleet");
    fleet = new Fleet(Path.of("target", "fleet-logs", name));
    jobs = new BigJob(fleet);
  }

  @AfterAll
  static void stopFleet() throws Exception {
    if (jobs != null) {
      jobs.close();
      jobs = null;
    }
    if (fleet != null) {
      fleet.close();
      fleet = null;
    }
  }
}
