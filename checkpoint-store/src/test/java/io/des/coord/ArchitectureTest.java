package io.des.coord;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The contracts and the local backends run without Redis; nothing here runs on Spring. */
class ArchitectureTest {
  private static final JavaClasses COORD =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.des.coord");

  @Test
  void onlyTheRedisBackendUsesRedisson() {
    noClasses().that().haveSimpleNameNotStartingWith("Redis")
        .should().dependOnClassesThat().resideInAnyPackage("org.redisson..")
        .check(COORD);
  }

  @Test
  void nothingUsesSpring() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..").check(COORD);
  }
}
