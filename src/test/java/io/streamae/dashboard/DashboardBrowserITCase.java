package io.streamae.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamae.dashboard.ResultLines.Kind;
import io.streamae.job.ConfigLoader;
import io.streamae.job.JobConfig;
import io.streamae.local.LocalRun;
import io.streamae.testkit.HeadlessChromium;
import io.streamae.testkit.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a person sees it: a real headless Chromium ({@link HeadlessChromium}) on the
 * real server, following a results file being written, a real KRaft broker's topics, and the local
 * run of the demo machines. Asserts what is on screen — sensors listed, the alarming one on top,
 * its charts drawn, the attribution, a new result and a dead letter appearing without a reload —
 * and saves screenshots under {@code target/dashboard/}.
 */
class DashboardBrowserITCase {
  @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();

  private static final Path SCREENSHOTS = Paths.get("target", "dashboard");
  private static final Duration WAIT = Duration.ofSeconds(45);

  @TempDir Path dir;
  private HeadlessChromium browser;

  @BeforeEach
  void openBrowser() throws Exception {
    browser = HeadlessChromium.start(1600, 1500);
  }

  @AfterEach
  void closeBrowser() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  private static JobConfig config(String... overrides) throws Exception {
    Configuration conf = ConfigLoader.load(null, List.of(overrides));
    return JobConfig.from(conf);
  }

  private static Dashboard.Settings anyPort() {
    return new Dashboard.Settings("localhost", 0, 500, 5_000);
  }

  @Test
  void followsAResultsFileAsItIsWritten() throws Exception {
    Path results = dir.resolve("results.jsonl");
    Path deadLetters = dir.resolve("dead-letters.jsonl");
    try (Dashboard dashboard =
        Dashboard.onFiles(anyPort(), results, deadLetters, config().scoring())) {
      List<String> lines = new ArrayList<>();
      for (int step = 0; step < 120; step++) {
        lines.add(ResultLines.line("machine-0", step, Kind.NORMAL));
        lines.add(ResultLines.line("machine-1", step, step >= 100 ? Kind.ALARM : Kind.NORMAL));
        if (step < 30) {
          lines.add(ResultLines.line("machine-2", step, Kind.WARMING_UP));
        }
      }
      append(results, lines);

      ChromeDriver page = browser.driver();
      page.get(dashboard.url());
      String loadToken =
          waitFor(page, d -> d.findElement(By.tagName("body")).getDomAttribute("data-load-token"));

      waitFor(page, d -> fleet(d).size() == 3);
      List<List<String>> fleet = fleet(page);
      assertThat(fleet.get(0)).startsWith("machine-1", "ALARM");
      assertThat(fleet.get(2).get(0)).isEqualTo("machine-2");
      assertThat(fleet.get(2).get(2)).contains("WARMING");

      assertSensorShown(page, "machine-1", 120, "vibration");
      assertThat(page.findElement(By.id("kpi-alarming")).getText()).isEqualTo("1");
      assertThat(page.findElements(By.cssSelector("#episodes li")).get(0).getText())
          .contains("2026-01-01 01:40");
      browser.screenshot(SCREENSHOTS.resolve("file.png"));

      // New results and a dead letter arrive: the page shows them without being reloaded.
      append(results, List.of(ResultLines.line("machine-3", 200, Kind.NORMAL)));
      append(
          deadLetters,
          List.of(
              "{\"reason\":\"MALFORMED_JSON\",\"detail\":\"Unexpected character\",\"stage\":\"parse\",\"source\":\"generator:996\",\"timestamp\":1764285600000,\"payloadBase64\":\"e30=\"}"));
      waitFor(page, d -> fleet(d).size() == 4);
      waitFor(page, d -> d.findElement(By.id("kpi-dead-letters")).getText().equals("1"));
      assertThat(page.findElement(By.id("kpi-dead-reasons")).getText())
          .contains("MALFORMED_JSON 1");
      assertThat(page.findElement(By.tagName("body")).getDomAttribute("data-load-token"))
          .isEqualTo(loadToken);
      assertThat(page.findElement(By.id("conn-text")).getText()).isEqualTo("live");
    }
  }

  @Test
  void followsTheJobsKafkaTopics() throws Exception {
    String output = KAFKA.createTopic("anomaly-results", 2);
    String dlq = KAFKA.createTopic("dead-letters", 1);
    JobConfig job =
        config(
            "--kafka.bootstrap-servers",
            KAFKA.bootstrapServers(),
            "--kafka.output-topic",
            output,
            "--kafka.dead-letter-topic",
            dlq,
            "--kafka.group-id",
            "dashboard-it");
    try (Dashboard dashboard =
            Dashboard.onKafka(
                anyPort(), job.kafka(), KafkaResultsFollower.From.EARLIEST, job.scoring());
        KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int step = 0; step < 90; step++) {
        send(producer, output, "pump-a", ResultLines.line("pump-a", step, Kind.NORMAL));
        send(
            producer,
            output,
            "pump-b",
            ResultLines.line("pump-b", step, step >= 70 ? Kind.ALARM : Kind.NORMAL));
      }
      ProducerRecord<byte[], byte[]> poison =
          new ProducerRecord<>(dlq, "{not json".getBytes(StandardCharsets.UTF_8));
      poison.headers().add("reason", "MALFORMED_JSON".getBytes(StandardCharsets.UTF_8));
      poison.headers().add("stage", "parse".getBytes(StandardCharsets.UTF_8));
      producer.send(poison);
      producer.flush();

      ChromeDriver page = browser.driver();
      page.get(dashboard.url());
      String loadToken =
          waitFor(page, d -> d.findElement(By.tagName("body")).getDomAttribute("data-load-token"));
      waitFor(page, d -> fleet(d).size() == 2);
      assertThat(fleet(page).get(0)).startsWith("pump-b", "ALARM");
      assertSensorShown(page, "pump-b", 90, "vibration");
      waitFor(page, d -> d.findElement(By.id("kpi-dead-letters")).getText().equals("1"));
      assertThat(page.findElement(By.id("source")).getText()).contains(output);
      waitFor(page, d -> d.findElement(By.id("kpi-lag")).getText().equals("0"));
      browser.screenshot(SCREENSHOTS.resolve("kafka.png"));

      send(producer, output, "pump-c", ResultLines.line("pump-c", 95, Kind.ALARM));
      producer.flush();
      waitFor(page, d -> fleet(d).size() == 3);
      assertThat(fleet(page).stream().map(r -> r.get(0)).toList())
          .containsExactly("pump-c", "pump-b", "pump-a");
      assertThat(page.findElement(By.tagName("body")).getDomAttribute("data-load-token"))
          .isEqualTo(loadToken);
    }
  }

  @Test
  void theLocalRunsFaultyMachinesRiseToTheTopAsTheirFaultsBegin() throws Exception {
    Path results = dir.resolve("results.jsonl");
    Path deadLetters = dir.resolve("dead-letters.jsonl");
    Configuration conf =
        ConfigLoader.load(
            null,
            List.of(
                "--output.path",
                results.toString(),
                "--output.dead-letter-path",
                deadLetters.toString(),
                "--execution.checkpointing.interval",
                "1 s"));
    JobConfig job = JobConfig.from(conf);
    try (Dashboard dashboard = Dashboard.onFiles(anyPort(), results, deadLetters, job.scoring())) {
      ChromeDriver page = browser.driver();
      page.get(dashboard.url());
      // The demo, paced as run --dashboard paces it (faster), in the background.
      CompletableFuture<LocalRun.Result> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new LocalRun(
                          job,
                          conf,
                          new PrintStream(
                              new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                          false,
                          200)
                      .run();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // Watch the top of the list while the job runs: every machine with a fault must be seen
      // there, alarming, while its fault is on (a screenshot when all three are at once).
      Set<String> seenAlarmingOnTop = new TreeSet<>();
      boolean shotAllAlarming = false;
      while (!run.isDone()) {
        @SuppressWarnings("unchecked")
        List<String> top =
            (List<String>)
                page.executeScript(
                    "return [...document.querySelectorAll('#fleet-rows tr[data-sensor]')].slice(0, 3)"
                        + ".filter(r => r.dataset.status === 'ALARM').map(r => r.dataset.sensor);");
        seenAlarmingOnTop.addAll(top);
        if (top.size() == 3 && !shotAllAlarming) {
          // The detail follows the top sensor: it is alarming, so an episode is listed.
          waitFor(page, d -> !d.findElements(By.cssSelector("#episodes li .when")).isEmpty());
          browser.screenshot(SCREENSHOTS.resolve("local-run-alarms.png"));
          shotAllAlarming = true;
        }
        Thread.sleep(100);
      }
      LocalRun.Result result = run.get();
      assertThat(seenAlarmingOnTop).contains("machine-1", "machine-2", "machine-3");

      waitFor(
          page,
          d ->
              d.findElement(By.id("kpi-windows"))
                  .getText()
                  .equals(String.format("%,d", result.windows())));
      waitFor(
          page,
          d ->
              d.findElement(By.id("kpi-dead-letters"))
                  .getText()
                  .equals(String.valueOf(result.deadLetters())));
      assertThat(fleet(page)).hasSize(4);
      waitFor(
          page,
          d -> {
            d.findElement(By.cssSelector("tr[data-sensor='machine-1']")).click();
            return true;
          });
      assertSensorShown(page, "machine-1", 500, null);
      browser.screenshot(SCREENSHOTS.resolve("local-run.png"));
    }
  }

  /** The selected sensor's title, charts with points, three feature charts and its attribution. */
  private static void assertSensorShown(
      ChromeDriver page, String sensor, int points, String topFeature) {
    waitFor(page, d -> d.findElement(By.id("sensor-title")).getText().equals(sensor));
    waitFor(
        page,
        d ->
            String.valueOf(points)
                .equals(d.findElement(By.id("chart-score")).getDomAttribute("data-points")));
    for (String chart : List.of("chart-score", "chart-errors")) {
      Long painted =
          (Long)
              page.executeScript(
                  "const c = document.querySelector('#' + arguments[0] + ' canvas');"
                      + "const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                      + "let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++; return n;",
                  chart);
      assertThat(painted).as("painted pixels of %s", chart).isGreaterThan(1_000L);
    }
    assertThat(page.findElements(By.cssSelector("#feature-charts .feature-chart canvas")))
        .hasSize(3);
    // The attribution is redrawn with every result: read it in one script, not element by element.
    @SuppressWarnings("unchecked")
    List<List<String>> attribution =
        (List<List<String>>)
            page.executeScript(
                "return [...document.querySelectorAll('#attribution .attr-row')].map(r => [r.dataset.feature, r.textContent]);");
    assertThat(attribution).hasSize(3);
    if (topFeature != null) {
      assertThat(attribution.get(0).get(0)).isEqualTo(topFeature);
      assertThat(attribution.get(0).get(1)).contains("%");
    }
  }

  /**
   * The fleet table as [sensor, status, text] rows, read in one script: the table is redrawn as
   * results arrive, so element handles held across calls go stale.
   */
  @SuppressWarnings("unchecked")
  private static List<List<String>> fleet(WebDriver page) {
    return (List<List<String>>)
        ((org.openqa.selenium.JavascriptExecutor) page)
            .executeScript(
                "return [...document.querySelectorAll('#fleet-rows tr[data-sensor]')]"
                    + ".map(r => [r.dataset.sensor, r.dataset.status, r.textContent]);");
  }

  private static <T> T waitFor(
      WebDriver page, java.util.function.Function<WebDriver, T> condition) {
    return new WebDriverWait(page, WAIT)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(
            d -> {
              T value = condition.apply(d);
              return value instanceof Boolean b && !b ? null : value;
            });
  }

  private static void append(Path file, List<String> lines) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
    producer.send(
        new ProducerRecord<>(
            topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
  }
}
