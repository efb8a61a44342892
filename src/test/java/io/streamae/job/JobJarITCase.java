package io.streamae.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.streamae.testkit.StandaloneFlinkCluster;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster job jar of this build ({@code target/streamae-job.jar}) carries what it runs and
 * nothing else: the online packages of StreamAE with the Kafka connector, no ND4J, DL4J or JavaCPP
 * class, no native library, no offline package, at most {@link #MAX_BYTES}; its manifest names
 * {@link ScoringJobMain}; and every class a StreamAE class in it refers to is in the jar, in a
 * Flink distribution's {@code lib/} ({@link StandaloneFlinkCluster#DISTRIBUTION}) or in the JDK.
 * {@link ClusterSubmissionITCase} runs the same jar on a cluster.
 */
class JobJarITCase {
  /** Upper bound of the job jar's size; it was 13.7 MB when this test was written. */
  static final long MAX_BYTES = 25L * 1024 * 1024;

  static final List<String> FORBIDDEN_PREFIXES =
      List.of(
          "org/nd4j/",
          "org/deeplearning4j/",
          "org/bytedeco/",
          "org/openblas/",
          "com/intel/mkl/",
          "io/streamae/model/training/",
          "io/streamae/evaluation/",
          "io/streamae/bench/",
          "io/streamae/cli/",
          "io/streamae/exporter/",
          "io/streamae/local/",
          "io/streamae/source/",
          "io/streamae/dashboard/");

  /** The optional Vector API module: TaskManagers are started with it (see jobs/, docker/). */
  static final String VECTOR_MODULE_PACKAGE = "jdk.incubator.vector.";

  private static Path jar;

  @BeforeAll
  static void locateJar() {
    String location = System.getProperty("streamae.job.jar");
    assertThat(location).as("system property streamae.job.jar (set by failsafe)").isNotBlank();
    jar = Path.of(location);
    assertThat(jar).as("job jar; build it with mvn package").isRegularFile();
  }

  @Test
  void isSmallAndHoldsNoNativeStackNoNativeLibraryAndNoOfflineCode() throws IOException {
    assertThat(Files.size(jar)).as("size of %s in bytes", jar).isLessThanOrEqualTo(MAX_BYTES);
    List<String> forbidden = new ArrayList<>();
    List<String> natives = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : file.stream().toList()) {
        String name = entry.getName();
        if (FORBIDDEN_PREFIXES.stream().anyMatch(name::startsWith)) {
          forbidden.add(name);
        }
        if (isNativeLibrary(name)) {
          natives.add(name);
        }
      }
      assertThat(file.getEntry("io/streamae/job/ScoringJobMain.class")).isNotNull();
      assertThat(file.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class"))
          .isNotNull();
    }
    assertThat(forbidden).as("ND4J/DL4J/JavaCPP or offline classes in the job jar").isEmpty();
    assertThat(natives).as("native libraries in the job jar").isEmpty();
  }

  @Test
  void manifestNamesTheScoringJobSoFlinkRunNeedsNoEntryClass() throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      assertThat(manifest.getMainAttributes().getValue("Main-Class"))
          .isEqualTo(ScoringJobMain.class.getName());
    }
  }

  @Test
  void everyClassItsStreamAeClassesUseIsInTheJarTheFlinkDistributionOrTheJdk() throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(jar.toUri().toURL());
    for (String entry : StandaloneFlinkCluster.distributionClasspath().split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    JavaClasses classes;
    try (JarFile file = new JarFile(jar.toFile())) {
      classes =
          new ClassFileImporter()
              .withImportOption(location -> location.contains("!/io/streamae/"))
              .importJar(file);
    }
    assertThat(classes).as("StreamAE classes in the job jar").hasSizeGreaterThan(50);
    Set<String> missing = new TreeSet<>();
    try (URLClassLoader runtime =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      for (JavaClass javaClass : classes) {
        for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
          JavaClass target = dependency.getTargetClass().getBaseComponentType();
          String name = target.getName();
          if (target.isPrimitive() || name.startsWith(VECTOR_MODULE_PACKAGE)) {
            continue;
          }
          if (runtime.getResource(name.replace('.', '/') + ".class") == null) {
            missing.add(name + " (from " + javaClass.getName() + ")");
          }
        }
      }
    }
    assertThat(missing)
        .as("classes referenced by the job jar that a cluster would not find")
        .isEmpty();
  }

  private static boolean isNativeLibrary(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return lower.endsWith(".so")
        || lower.contains(".so.")
        || lower.endsWith(".dll")
        || lower.endsWith(".dylib")
        || lower.endsWith(".jnilib");
  }
}
