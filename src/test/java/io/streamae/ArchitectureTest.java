package io.streamae;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of StreamAE, checked on the compiled main classes.
 *
 * <p>Online code is what the cluster job jar holds and a TaskManager runs: ingest, window, tensor,
 * model definition/inference/io, scoring, job, kafka, sink. Offline code trains, evaluates,
 * benchmarks, exports, serves the dashboard, runs locally or is the CLI: it may use online code,
 * never the other way round, and only offline code may touch ND4J, DL4J, JavaCPP or ONNX Runtime
 * (the bench's comparison). The job jar's shade execution in pom.xml includes exactly the online
 * packages, so a back-edge here would be a class missing on the cluster ({@code job.JobJarITCase}
 * checks the built jar).
 */
class ArchitectureTest {
  static final String[] ONLINE = {
    "io.streamae.ingest..",
    "io.streamae.window..",
    "io.streamae.tensor..",
    "io.streamae.model.definition..",
    "io.streamae.model.inference..",
    "io.streamae.model.io..",
    "io.streamae.scoring..",
    "io.streamae.job..",
    "io.streamae.kafka..",
    "io.streamae.sink.."
  };

  static final String[] OFFLINE = {
    "io.streamae.model.training..",
    "io.streamae.evaluation..",
    "io.streamae.bench..",
    "io.streamae.cli..",
    "io.streamae.exporter..",
    "io.streamae.local..",
    "io.streamae.source..",
    "io.streamae.dashboard..",
    "io.streamae.retrain.."
  };

  static final String[] NATIVE_STACK = {
    "org.nd4j..", "org.deeplearning4j..", "org.bytedeco..", "ai.onnxruntime.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.streamae");
  }

  @Test
  void onlineCodeDoesNotReachOfflineCode() {
    noClasses()
        .that()
        .resideInAnyPackage(ONLINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(OFFLINE)
        .because("the cluster job jar holds the online packages only")
        .check(classes);
  }

  @Test
  void onlineCodeDoesNotReachNativeLibraries() {
    noClasses()
        .that()
        .resideInAnyPackage(ONLINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(NATIVE_STACK)
        .because("scoring runs on the plain-Java kernels; the job jar carries no native library")
        .check(classes);
  }

  @Test
  void modelAndTensorCodeDoesNotImportFlink() {
    noClasses()
        .that()
        .resideInAnyPackage("io.streamae.model..", "io.streamae.tensor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..")
        .because("maths and file formats test as plain Java")
        .check(classes);
  }

  @Test
  void packagesFormNoCycle() {
    slices().matching("io.streamae.(**)").should().beFreeOfCycles().check(classes);
  }
}
