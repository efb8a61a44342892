package io.streamae.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink session cluster of separate JVMs, started the way {@code bin/start-cluster.sh}
 * starts one: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and one TaskManager ({@code
 * TaskManagerRunner}), each with {@code --configDir} pointing at a generated Flink 2 {@code
 * config.yaml}, JVM memory flags and {@code -D} memory settings derived from that file as {@code
 * bin/config.sh} derives them, and log files of their own. Jobs are submitted as {@code bin/flink}
 * submits them: {@code CliFrontend} in a child JVM with {@code FLINK_CONF_DIR} set.
 *
 * <p>The classpath stands in for a Flink distribution's {@code lib/}: the Maven-resolved jars of
 * {@link #DISTRIBUTION} taken from this JVM's classpath, nothing else. The project's classes,
 * connectors, Kafka clients and ND4J are not on it, so a job's classes come only from its jar.
 * Everything listens on loopback.
 *
 * <pre>{@code
 * try (StandaloneFlinkCluster flink =
 *     StandaloneFlinkCluster.builder(workDir).taskSlots(2).start()) {
 *   String jobId = flink.submitDetached(jar, "io.example.Main", List.of("--x", "1"), cwd);
 *   flink.awaitJobState(jobId, "RUNNING", Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);

  /**
   * {@code groupId:artifactId} of what a Flink 2.2 distribution ships in {@code lib/} for a
   * DataStream job (flink-dist's modules and their dependencies, log4j), the same set the job jar
   * leaves out. Table, CEP, formats and {@code flink-connector-files} are not needed here.
   */
  public static final List<String> DISTRIBUTION =
      List.of(
          "org.apache.flink:flink-annotations",
          "org.apache.flink:flink-clients",
          "org.apache.flink:flink-connector-datagen",
          "org.apache.flink:flink-core",
          "org.apache.flink:flink-core-api",
          "org.apache.flink:flink-datastream",
          "org.apache.flink:flink-datastream-api",
          "org.apache.flink:flink-file-sink-common",
          "org.apache.flink:flink-hadoop-fs",
          "org.apache.flink:flink-metrics-core",
          "org.apache.flink:flink-queryable-state-client-java",
          "org.apache.flink:flink-rpc-akka-loader",
          "org.apache.flink:flink-rpc-core",
          "org.apache.flink:flink-runtime",
          "org.apache.flink:flink-runtime-web",
          "org.apache.flink:flink-shaded-asm-9",
          "org.apache.flink:flink-shaded-guava",
          "org.apache.flink:flink-shaded-jackson",
          "org.apache.flink:flink-shaded-netty",
          "org.apache.flink:flink-shaded-zookeeper-3",
          "org.apache.flink:flink-streaming-java",
          "com.esotericsoftware:kryo",
          "com.esotericsoftware:minlog",
          "com.esotericsoftware:reflectasm",
          "org.objenesis:objenesis",
          "org.javassist:javassist",
          "org.xerial.snappy:snappy-java",
          "at.yawk.lz4:lz4-java",
          "tools.profiler:async-profiler",
          "org.snakeyaml:snakeyaml-engine",
          "commons-cli:commons-cli",
          "commons-collections:commons-collections",
          "commons-io:commons-io",
          "org.apache.commons:commons-compress",
          "org.apache.commons:commons-lang3",
          "org.apache.commons:commons-math3",
          "org.apache.commons:commons-text",
          "com.google.code.findbugs:jsr305",
          "org.slf4j:slf4j-api",
          "org.apache.logging.log4j:log4j-api",
          "org.apache.logging.log4j:log4j-core",
          "org.apache.logging.log4j:log4j-slf4j2-impl");

  /**
   * Module flags as a Flink distribution's {@code config.yaml} passes them to every Flink JVM on
   * Java 17 ({@code env.java.opts.all}; its {@code jdk.compiler} exports left out).
   */
  public static final List<String> JAVA_17_OPTIONS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private static final String JOB_MANAGER =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
  private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path workDir;
  private final Path confDir;
  private final Path logDir;
  private final String classpath;
  private final Configuration config;
  private final int restPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Process> processes = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::killAll, "standalone-flink-cluster-reaper");

  private StandaloneFlinkCluster(Builder builder) throws IOException {
    this.workDir = builder.workDir;
    this.confDir = Files.createDirectories(workDir.resolve("conf"));
    this.logDir = Files.createDirectories(workDir.resolve("log"));
    this.classpath = distributionClasspath();
    this.restPort = freeLoopbackPort();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("jobmanager.rpc.address", "localhost");
    settings.put("jobmanager.rpc.port", Integer.toString(freeLoopbackPort()));
    settings.put("jobmanager.bind-host", "localhost");
    settings.put("taskmanager.bind-host", "localhost");
    settings.put("taskmanager.host", "localhost");
    settings.put("rest.address", "localhost");
    settings.put("rest.bind-address", "localhost");
    settings.put("rest.port", Integer.toString(restPort));
    settings.put("taskmanager.numberOfTaskSlots", Integer.toString(builder.taskSlots));
    settings.put("parallelism.default", "1");
    settings.put("jobmanager.memory.process.size", builder.jobManagerMemory);
    settings.put("taskmanager.memory.process.size", builder.taskManagerMemory);
    // Heap state backend: managed memory (for RocksDB and batch) would sit unused, so most of it
    // goes to the task heap instead.
    settings.put("taskmanager.memory.managed.fraction", "0.1");
    String tmp = Files.createDirectories(workDir.resolve("tmp")).toString();
    settings.put("io.tmp.dirs", tmp);
    settings.put("web.tmpdir", tmp);
    settings.putAll(builder.extra);
    writeConfig(settings);
    this.config = Configuration.fromMap(settings);
  }

  /** A cluster whose files (config, logs, temporary files) live in {@code workDir}. */
  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Settings of the cluster; {@link #start()} writes them and starts both JVMs. */
  public static final class Builder {
    private final Path workDir;
    private int taskSlots = 2;
    private String jobManagerMemory = "768m";
    private String taskManagerMemory = "1280m";
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder(Path workDir) {
      this.workDir = workDir;
    }

    public Builder taskSlots(int slots) {
      this.taskSlots = slots;
      return this;
    }

    /** {@code jobmanager.memory.process.size}, e.g. {@code 768m}. */
    public Builder jobManagerMemory(String size) {
      this.jobManagerMemory = size;
      return this;
    }

    /** {@code taskmanager.memory.process.size}, e.g. {@code 1280m}. */
    public Builder taskManagerMemory(String size) {
      this.taskManagerMemory = size;
      return this;
    }

    /** Any other {@code config.yaml} entry; it wins over the defaults above. */
    public Builder config(String key, String value) {
      extra.put(key, value);
      return this;
    }

    /**
     * Starts the JobManager and the TaskManager and waits until the REST endpoint reports the
     * TaskManager with all its slots.
     *
     * @throws IllegalStateException with the tail of the logs if the cluster does not come up
     */
    public StandaloneFlinkCluster start(Duration timeout) throws Exception {
      if (taskSlots < 1) {
        throw new IllegalArgumentException(
            String.format("task slots (%s) must be >= 1", taskSlots));
      }
      StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(this);
      try {
        cluster.startProcesses(timeout);
      } catch (Exception | AssertionError e) {
        cluster.close();
        throw e;
      }
      return cluster;
    }

    public StandaloneFlinkCluster start() throws Exception {
      return start(Duration.ofSeconds(90));
    }
  }

  // --- start and stop ----------------------------------------------------------------------------

  private void startProcesses(Duration timeout) throws Exception {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(config);
    List<String> jmCommand = new ArrayList<>();
    jmCommand.addAll(split(JobManagerProcessUtils.generateJvmParametersStr(jm, config)));
    jmCommand.add(JOB_MANAGER);
    jmCommand.addAll(List.of("--configDir", confDir.toString()));
    jmCommand.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(jm)));
    processes.add(launch("jobmanager", jmCommand));
    long deadline = System.nanoTime() + timeout.toNanos();
    // A TaskManager that finds no ResourceManager retries only after 10 s
    // (cluster.registration.error-delay): start it once the JobManager answers.
    awaitOverview(overview -> true, "the JobManager's REST endpoint", deadline, timeout);

    TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(config);
    List<String> tmCommand = new ArrayList<>();
    tmCommand.addAll(split(ProcessMemoryUtils.generateJvmParametersStr(tm)));
    // env.java.opts.taskmanager, as bin/taskmanager.sh passes it.
    tmCommand.addAll(split(config.get(CoreOptions.FLINK_TM_JVM_OPTIONS)));
    tmCommand.add(TASK_MANAGER);
    tmCommand.addAll(List.of("--configDir", confDir.toString()));
    tmCommand.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(tm)));
    processes.add(launch("taskmanager", tmCommand));

    int slots = config.get(TaskManagerOptions.NUM_TASK_SLOTS);
    JsonNode overview =
        awaitOverview(
            o -> o.path("taskmanagers").asInt() == 1 && o.path("slots-total").asInt() == slots,
            String.format("a TaskManager with %s slots", slots),
            deadline,
            timeout);
    LOG.info(
        "Flink {} session cluster up at {} ({} slots); config and logs in {}",
        overview.path("flink-version").asText(),
        restAddress(),
        slots,
        workDir);
  }

  /** Polls {@code /overview} until {@code ready}, failing early when a Flink process exits. */
  private JsonNode awaitOverview(
      Predicate<JsonNode> ready, String what, long deadline, Duration timeout) throws Exception {
    while (true) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              String.format(
                  "a Flink process exited with code %s during start-up%n%s",
                  process.exitValue(), logTails(40)));
        }
      }
      JsonNode overview = getOrNull("/overview");
      if (overview != null && ready.test(overview)) {
        return overview;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format(
                "no %s within %s; last /overview %s%n%s", what, timeout, overview, logTails(40)));
      }
      Thread.sleep(200);
    }
  }

  /** Cancels nothing; stops the TaskManager, then the JobManager (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    List<Process> reversed = new ArrayList<>(processes);
    java.util.Collections.reverse(reversed);
    for (Process process : reversed) {
      stop(process, Duration.ofSeconds(20));
    }
    processes.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // The JVM is shutting down (the hook runs) or the hook was never added.
    }
  }

  private static void stop(Process process, Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Flink process {} ignored SIGTERM for {}; killing it", process.pid(), grace);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void killAll() {
    processes.forEach(Process::destroyForcibly);
  }

  // --- jobs --------------------------------------------------------------------------------------

  /** {@code localhost:<rest port>}, as {@code flink run -m} takes it. */
  public String restAddress() {
    return "localhost:" + restPort;
  }

  /** Directory of {@code config.yaml}, for {@code FLINK_CONF_DIR}. */
  public Path confDir() {
    return confDir;
  }

  /** Directory of the JobManager's, the TaskManager's and the clients' log and output files. */
  public Path logDir() {
    return logDir;
  }

  /** Outcome of one {@code flink} command. */
  public record CliResult(int exitCode, String stdout, String stderr) {}

  /**
   * Runs {@code flink <arguments>} ({@code CliFrontend} in a child JVM with {@code FLINK_CONF_DIR}
   * set, its log in {@link #logDir()}) in {@code workingDir} and waits for it.
   *
   * @throws IllegalStateException if it does not finish within {@code timeout} (it is killed)
   */
  public CliResult runCli(List<String> arguments, Path workingDir, Duration timeout)
      throws Exception {
    String name = "flink-" + arguments.get(0) + "-" + System.nanoTime();
    List<String> command = new ArrayList<>();
    command.add(CLI);
    command.addAll(arguments);
    Process process = start(name, command, workingDir);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      stop(process, Duration.ofSeconds(5));
      throw new IllegalStateException(
          String.format(
              "flink %s did not finish within %s%n%s",
              String.join(" ", arguments), timeout, tail(logDir.resolve(name + ".log"), 40)));
    }
    return new CliResult(
        process.exitValue(),
        Files.readString(logDir.resolve(name + ".out")),
        Files.readString(logDir.resolve(name + ".err")));
  }

  /**
   * {@code flink run -d -m localhost:<port> [-c mainClass] jar args...}: submits a job in detached
   * mode, as {@code jobs/scoring/submit.sh} does.
   *
   * @param mainClass the entry class, or null for the jar manifest's {@code Main-Class}
   * @return the job id the client printed
   * @throws IllegalStateException with the client's output when the submission fails
   */
  public String submitDetached(Path jar, String mainClass, List<String> args, Path workingDir)
      throws Exception {
    List<String> arguments = new ArrayList<>();
    arguments.addAll(List.of("run", "-d", "-m", restAddress()));
    if (mainClass != null) {
      arguments.addAll(List.of("-c", mainClass));
    }
    arguments.add(jar.toAbsolutePath().toString());
    arguments.addAll(args);
    CliResult result = runCli(arguments, workingDir, Duration.ofMinutes(3));
    Matcher id = SUBMITTED.matcher(result.stdout());
    if (result.exitCode() != 0 || !id.find()) {
      throw new IllegalStateException(
          String.format(
              "flink run exited with %s%n--- stdout%n%s%n--- stderr%n%s",
              result.exitCode(), result.stdout(), result.stderr()));
    }
    return id.group(1);
  }

  /**
   * {@code POST /jars/upload} with the jar as the multipart field {@code jarfile}, as the Web UI
   * uploads it.
   *
   * @return the jar id for {@link #runUploadedJar}
   */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "streamae-" + System.nanoTime();
    byte[] head =
        String.format(
                "--%s\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"%s\"\r\n"
                    + "Content-Type: application/x-java-archive\r\n\r\n",
                boundary, jar.getFileName())
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = String.format("\r\n--%s--\r\n", boundary).getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response =
        http.send(
            request("/jars/upload")
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(
                    HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException(
          String.format("upload %s: HTTP %s %s", jar, response.statusCode(), response.body()));
    }
    return Path.of(body.path("filename").asText()).getFileName().toString();
  }

  /**
   * {@code POST /jars/<jarId>/run} with {@code programArgsList} and no entry class, so the jar's
   * manifest decides, as a Web UI submission with an empty entry-class field.
   *
   * @return the id of the job the JobManager started
   */
  public String runUploadedJar(String jarId, List<String> programArgs)
      throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(Map.of("programArgsList", programArgs));
    HttpResponse<String> response =
        http.send(
            request("/jars/" + jarId + "/run")
                .timeout(Duration.ofMinutes(3))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          String.format("run %s: HTTP %s %s", jarId, response.statusCode(), response.body()));
    }
    return JSON.readTree(response.body()).path("jobid").asText();
  }

  /** {@code GET <path>} of the REST API as JSON. */
  public JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          String.format("GET %s: HTTP %s %s", path, response.statusCode(), response.body()));
    }
    return JSON.readTree(response.body());
  }

  private JsonNode getOrNull(String path) {
    try {
      return get(path);
    } catch (IOException e) {
      return null; // not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The job's state, e.g. {@code RUNNING}, {@code CANCELED}. */
  public String jobState(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /**
   * Waits until the job reaches {@code state}.
   *
   * @throws IllegalStateException naming the last state and the job's exceptions on timeout, or at
   *     once when the job reaches another terminal state
   */
  public void awaitJobState(String jobId, String state, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = jobState(jobId);
    while (!last.equals(state)) {
      boolean terminal = Stream.of("FINISHED", "CANCELED", "FAILED").anyMatch(last::equals);
      if (terminal || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format(
                "job %s is %s, expected %s within %s; exceptions: %s",
                jobId, last, state, timeout, jobExceptions(jobId)));
      }
      Thread.sleep(200);
      last = jobState(jobId);
    }
  }

  /**
   * The job's exception history: one line per failure (an empty list for a job that never failed or
   * restarted).
   */
  public List<String> jobExceptions(String jobId) throws IOException, InterruptedException {
    List<String> failures = new ArrayList<>();
    JsonNode history = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory");
    for (JsonNode entry : history.path("entries")) {
      failures.add(
          String.format(
              "%s on %s: %s",
              entry.path("exceptionName").asText(),
              entry.path("taskName").asText("(job)"),
              entry.path("stacktrace").asText()));
    }
    return failures;
  }

  /** Completed checkpoints of the job so far. */
  public int completedCheckpoints(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
  }

  /** {@code PATCH /jobs/<id>?mode=cancel}, then waits until the job is {@code CANCELED}. */
  public void cancel(String jobId, Duration timeout) throws Exception {
    HttpResponse<String> response =
        http.send(
            request("/jobs/" + jobId + "?mode=cancel")
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IOException(
          String.format("cancel %s: HTTP %s %s", jobId, response.statusCode(), response.body()));
    }
    awaitJobState(jobId, "CANCELED", timeout);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://" + restAddress() + path))
        .timeout(Duration.ofSeconds(10));
  }

  // --- processes, files --------------------------------------------------------------------------

  private Process launch(String name, List<String> command) throws IOException {
    return start(name, command, workDir);
  }

  /**
   * Starts {@code java <options> -cp <distribution> <command>}; the log goes to {@code name.log},
   * standard output and error to {@code name.out} and {@code name.err}.
   */
  private Process start(String name, List<String> command, Path workingDir) throws IOException {
    List<String> full = new ArrayList<>();
    full.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    full.addAll(JAVA_17_OPTIONS);
    full.add("-Dlog.file=" + logDir.resolve(name + ".log"));
    full.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
    full.add("-cp");
    full.add(classpath);
    full.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(full)
            .directory(workingDir.toFile())
            .redirectOutput(logDir.resolve(name + ".out").toFile())
            .redirectError(logDir.resolve(name + ".err").toFile());
    builder.environment().put("FLINK_CONF_DIR", confDir.toString());
    Process process = builder.start();
    LOG.debug("started {} (pid {}): {}", name, process.pid(), full);
    return process;
  }

  /** The last {@code lines} lines of every log and output file, for failure messages. */
  public String logTails(int lines) {
    try (Stream<Path> files = Files.list(logDir)) {
      return files
          .sorted()
          .map(file -> tail(file, lines))
          .collect(Collectors.joining(System.lineSeparator()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return String.format(
          "--- %s (last %s of %s lines)%n%s",
          file.getFileName(), last.size(), all.size(), String.join(System.lineSeparator(), last));
    } catch (IOException e) {
      return String.format("--- %s: %s", file.getFileName(), e);
    }
  }

  private void writeConfig(Map<String, String> settings) throws IOException {
    StringBuilder yaml = new StringBuilder("# StandaloneFlinkCluster: Flink 2 config.yaml\n");
    settings.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    Files.writeString(confDir.resolve("config.yaml"), yaml);
    // One file per process, as the distribution's log4j.properties; Kafka clients at WARN.
    String log4j =
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.fileName = ${sys:log.file}",
            // Appending, as the distribution's file: Pekko's class loader gets a logger context of
            // its own on the same file, which would truncate it.
            "appender.main.append = true",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "");
    Files.writeString(confDir.resolve("log4j.properties"), log4j);
  }

  /**
   * This JVM's classpath entries that are {@link #DISTRIBUTION} artifacts (main jars, no test
   * jars), joined; one jar per artifact must be there.
   */
  public static String distributionClasspath() {
    List<Path> entries =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .toList();
    List<String> jars = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String coordinates : DISTRIBUTION) {
      String[] ga = coordinates.split(":");
      List<Path> found = entries.stream().filter(jar -> isArtifact(jar, ga[0], ga[1])).toList();
      if (found.size() != 1) {
        missing.add(String.format("%s (found %s)", coordinates, found));
      } else {
        jars.add(found.get(0).toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          String.format("Flink distribution jars missing from the test classpath: %s", missing));
    }
    return String.join(File.pathSeparator, jars);
  }

  /** Is {@code jar} {@code .../<group path>/<artifact>/<version>/<artifact>-<version>.jar}? */
  private static boolean isArtifact(Path jar, String groupId, String artifactId) {
    Path versionDir = jar.getParent();
    if (versionDir == null || versionDir.getParent() == null) {
      return false;
    }
    Path artifactDir = versionDir.getParent();
    String version = versionDir.getFileName().toString();
    return artifactDir.getFileName().toString().equals(artifactId)
        && jar.getFileName().toString().equals(artifactId + "-" + version + ".jar")
        && artifactDir.getParent() != null
        && artifactDir.getParent().endsWith(Path.of(groupId.replace('.', '/')));
  }

  private static List<String> split(String arguments) {
    return Arrays.stream(arguments.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
