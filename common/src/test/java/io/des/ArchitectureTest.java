package io.des;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering of the common module (STYLE.md): small packages that build on each other one way. */
class ArchitectureTest {
  private static final JavaClasses COMMON =
      new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.des");

  @Test
  void commonImportsNoSpringAndNoRedisson() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.redisson..").check(COMMON);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.des.(*)..").should().beFreeOfCycles().check(COMMON);
  }

  @Test
  void theFoundationsDependOnNothingElseOfDes() {
    for (String base : new String[] {"storage", "codec", "routing"}) {
      noClasses().that().resideInAPackage("io.des." + base + "..")
          .should().dependOnClassesThat().resideInAnyPackage(otherThan(base))
          .check(COMMON);
    }
  }

  @Test
  void theFormatKnowsOnlyCodecsAndStorage() {
    noClasses().that().resideInAPackage("io.des.format..")
        .should().dependOnClassesThat().resideInAnyPackage("io.des.routing..", "io.des.catalog..", "io.des.archive..", "io.des.pack..")
        .check(COMMON);
  }

  @Test
  void onlyThePackerAndTheArchiveSitOnTop() {
    noClasses().that().resideInAnyPackage("io.des.format..", "io.des.catalog..", "io.des.storage..", "io.des.codec..", "io.des.routing..")
        .should().dependOnClassesThat().resideInAnyPackage("io.des.pack..", "io.des.archive..", "io.des.job..")
        .check(COMMON);
  }

  @Test
  void nothingButJobsKnowsJobs() {
    noClasses().that().resideOutsideOfPackage("io.des.job..")
        .should().dependOnClassesThat().resideInAPackage("io.des.job..")
        .check(COMMON);
  }

  private static String[] otherThan(String base) {
    return java.util.Arrays.stream(new String[] {"storage", "codec", "routing", "format", "catalog", "archive", "pack", "job"})
        .filter(p -> !p.equals(base))
        .map(p -> "io.des." + p + "..")
        .toArray(String[]::new);
  }
}
