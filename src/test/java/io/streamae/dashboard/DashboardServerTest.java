package io.streamae.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamae.dashboard.ResultLines.Kind;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The server over HTTP: its assets come from the jar, its answers stay bounded, it pushes. */
class DashboardServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private HttpResponse<String> get(DashboardServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAndItsLibraryFromTheJar() throws Exception {
    FleetState state = new FleetState(10, 10, 0.444, System::currentTimeMillis);
    try (DashboardServer server = DashboardServer.start(state, "localhost", 0, "test")) {
      HttpResponse<String> page = get(server, "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("StreamAE").doesNotContain("https://");
      for (String asset : page.body().split("(src|href)=\"")) {
        if (asset.startsWith("/")) {
          String path = asset.substring(0, asset.indexOf('"'));
          assertThat(get(server, path).statusCode()).as(path).isEqualTo(200);
        }
      }
      assertThat(get(server, "/webjars/uplot/1.6.30/LICENSE").body()).contains("MIT");
    }
  }

  @Test
  void answersStayBoundedWithManySensors() throws Exception {
    FleetState state = new FleetState(20_000, 100, 0.444, System::currentTimeMillis);
    String line = ResultLines.line("x", 1, Kind.NORMAL);
    for (int s = 0; s < 100_000; s++) {
      state.result(line.replace("\"sensorId\":\"x\"", "\"sensorId\":\"s-" + s + "\""));
    }
    for (int step = 0; step < 400; step++) {
      state.result(ResultLines.line("s-99999", step, Kind.NORMAL));
    }
    try (DashboardServer server = DashboardServer.start(state, "localhost", 0, "test")) {
      JsonNode fleet = JSON.readTree(get(server, "/api/fleet?offset=100&limit=100000").body());
      assertThat(fleet.get("total").asInt()).isEqualTo(20_000);
      assertThat(fleet.get("rows")).hasSize(DashboardServer.MAX_PAGE);
      JsonNode summary = JSON.readTree(get(server, "/api/summary").body());
      assertThat(summary.get("evicted").asLong()).isEqualTo(80_000);
      JsonNode sensor = JSON.readTree(get(server, "/api/sensor/s-99999?points=50").body());
      assertThat(sensor.get("held").asInt()).isEqualTo(100);
      assertThat(sensor.get("ts")).hasSize(50);
      assertThat(get(server, "/api/sensor/s-0").statusCode()).as("evicted").isEqualTo(404);
      assertThat(get(server, "/api/fleet?limit=abc").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void pushesAnUpdateWhenAResultArrives() throws Exception {
    FleetState state = new FleetState(10, 10, 0.444, System::currentTimeMillis);
    try (DashboardServer server = DashboardServer.start(state, "localhost", 0, "test")) {
      HttpResponse<InputStream> events =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + server.port() + "/api/events"))
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(events.headers().firstValue("content-type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
        assertThat(nextData(in).get("windows").asLong()).isZero();
        state.result(ResultLines.line("m", 1, Kind.ALARM));
        JsonNode update = nextData(in);
        assertThat(update.get("windows").asLong()).isEqualTo(1);
        assertThat(update.get("alarming").asInt()).isEqualTo(1);
      }
    }
  }

  private static JsonNode nextData(BufferedReader in) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("data:")) {
        return JSON.readTree(line.substring(5).trim());
      }
    }
    throw new AssertionError("event stream ended");
  }
}
