package io.streamae.dashboard;

import io.streamae.kafka.KafkaSettings;
import io.streamae.scoring.AnomalyLikelihood;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A running dashboard: the fleet state, what feeds it (file tails or a Kafka follower) and the web
 * server. Closing it stops all three.
 *
 * <pre>{@code
 * try (Dashboard d = Dashboard.onFiles(settings, results, deadLetters, scoring)) {
 *   System.out.println("dashboard: " + d.url());
 *   ...
 * }
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
  /** Server and memory bounds. */
  public record Settings(String host, int port, int historyPerSensor, int maxSensors) {
    public static final int DEFAULT_PORT = 8088;
    public static final int DEFAULT_HISTORY = 500;
    public static final int DEFAULT_MAX_SENSORS = 5_000;
  }

  private final FleetState state;
  private final DashboardServer server;
  private final List<AutoCloseable> followers = new ArrayList<>();
  private final String host;

  private Dashboard(Settings settings, AnomalyLikelihood.Settings scoring, String source) {
    this.state =
        new FleetState(
            settings.maxSensors(),
            settings.historyPerSensor(),
            alarmLevel(scoring),
            System::currentTimeMillis);
    this.server = DashboardServer.start(state, settings.host(), settings.port(), source);
    this.host = settings.host();
  }

  /**
   * Follows a results file and a dead-letter file (either may not exist yet) as they are written.
   */
  public static Dashboard onFiles(
      Settings settings, Path results, Path deadLetters, AnomalyLikelihood.Settings scoring) {
    Dashboard d = new Dashboard(settings, scoring, "results file " + results);
    Duration poll = Duration.ofMillis(200);
    d.followers.add(new JsonLinesTail(results, d.state::result, d.state::unreadable, poll));
    if (deadLetters != null) {
      d.followers.add(
          new JsonLinesTail(
              deadLetters, d.state::deadLetterLine, () -> d.state.deadLetter("UNREADABLE"), poll));
    }
    return d;
  }

  /** Follows the job's results and dead-letter topics. */
  public static Dashboard onKafka(
      Settings settings,
      KafkaSettings kafka,
      KafkaResultsFollower.From from,
      AnomalyLikelihood.Settings scoring) {
    Dashboard d =
        new Dashboard(
            settings,
            scoring,
            String.format(
                "Kafka %s: %s, %s",
                kafka.bootstrapServers(), kafka.outputTopic(), kafka.deadLetterTopic()));
    try {
      d.followers.add(new KafkaResultsFollower(kafka, from, d.state));
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /**
   * The anomaly score at which the job raises an alarm: the score of a likelihood of exactly {@code
   * scoring.alarm-likelihood} on the job's scale.
   */
  public static double alarmLevel(AnomalyLikelihood.Settings scoring) {
    return AnomalyLikelihood.logScore(Math.log1p(-scoring.alarmLikelihood()));
  }

  public FleetState state() {
    return state;
  }

  public int port() {
    return server.port();
  }

  public String url() {
    String shown = host == null || host.isBlank() || host.equals("0.0.0.0") ? "localhost" : host;
    return "http://" + shown + ":" + port() + "/";
  }

  @Override
  public void close() {
    for (AutoCloseable follower : followers) {
      try {
        follower.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("stopping " + follower, e);
      }
    }
    server.close();
  }
}
