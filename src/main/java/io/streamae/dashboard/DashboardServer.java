package io.streamae.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's web server (Javalin): the page and its scripts, styles and charting library
 * (uPlot, from its WebJar) out of the jar — nothing from the network — a JSON API over {@link
 * FleetState}, and Server-Sent Events that tell every open page when the state changed.
 *
 * <ul>
 *   <li>{@code GET /} the page; {@code /dashboard.js}, {@code /dashboard.css}
 *   <li>{@code GET /api/summary} counts, dead letters by reason, freshness, lag, bounds
 *   <li>{@code GET /api/fleet?offset=0&limit=50&q=} a page of sensors, alarming first
 *   <li>{@code GET /api/sensor/{id}?points=600} one sensor's recent windows, downsampled
 *   <li>{@code GET /api/events} SSE: an {@code update} event with the summary whenever it changed
 *       (checked every {@value #PUSH_INTERVAL_MS} ms) and at least every few seconds
 * </ul>
 *
 * <pre>{@code
 * FleetState state = new FleetState(5_000, 500, 0.444, System::currentTimeMillis);
 * try (DashboardServer server = DashboardServer.start(state, "localhost", 8088, "results.jsonl")) {
 *   new JsonLinesTail(results, state::result, state::unreadable, Duration.ofMillis(200));
 *   ...
 * }
 * }</pre>
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);

  static final long PUSH_INTERVAL_MS = 500;
  private static final long HEARTBEAT_MS = 5_000;
  static final int MAX_PAGE = 500;
  static final int MAX_POINTS = 5_000;

  private final FleetState state;
  private final String source;
  private final Javalin app;
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService pusher;
  private long pushedVersion = -1;
  private long pushedAt;

  private DashboardServer(FleetState state, String host, int port, String source) {
    this.state = state;
    this.source = source;
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = host;
              config.jetty.port = port;
              config.staticFiles.add(
                  files -> {
                    files.hostedPath = "/";
                    files.directory = "/dashboard";
                    files.location = Location.CLASSPATH;
                  });
              config.staticFiles.enableWebjars();
              config.routes.get("/api/summary", ctx -> json(ctx, summary()));
              config.routes.get("/api/fleet", this::fleet);
              config.routes.get("/api/sensor/{id}", this::sensor);
              config.routes.sse(
                  "/api/events",
                  client -> {
                    client.keepAlive();
                    client.onClose(() -> clients.remove(client));
                    clients.add(client);
                    client.sendEvent("update", summary().toString());
                  });
            });
    app.start();
    this.pusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dashboard-push");
              t.setDaemon(true);
              return t;
            });
    pusher.scheduleWithFixedDelay(
        this::push, PUSH_INTERVAL_MS, PUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts serving.
   *
   * @param port 0 for any free port (see {@link #port()})
   * @param source what the dashboard follows, shown in the page's header
   */
  public static DashboardServer start(FleetState state, String host, int port, String source) {
    DashboardServer server = new DashboardServer(state, host, port, source);
    LOG.info("dashboard on http://{}:{}/ following {}", host, server.port(), source);
    return server;
  }

  public int port() {
    return app.port();
  }

  private ObjectNode summary() {
    ObjectNode summary = state.summary();
    summary.put("source", source);
    return summary;
  }

  private void push() {
    long version = state.version();
    long now = System.currentTimeMillis();
    if (clients.isEmpty() || (version == pushedVersion && now - pushedAt < HEARTBEAT_MS)) {
      return;
    }
    String body = summary().toString();
    for (SseClient client : clients) {
      if (client.terminated()) {
        clients.remove(client);
      } else {
        client.sendEvent("update", body);
      }
    }
    pushedVersion = version;
    pushedAt = now;
  }

  private void fleet(Context ctx) {
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = intParam(ctx, "limit", 50, 1, MAX_PAGE);
    String q = ctx.queryParam("q");
    json(ctx, state.fleet(offset, limit, q == null ? "" : q.trim()));
  }

  private void sensor(Context ctx) {
    int points = intParam(ctx, "points", 600, 2, MAX_POINTS);
    ObjectNode sensor = state.sensor(ctx.pathParam("id"), points);
    if (sensor == null) {
      ctx.status(404)
          .contentType("application/json")
          .result("{\"error\":\"sensor not held (never seen, or evicted)\"}");
    } else {
      json(ctx, sensor);
    }
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(value.trim())));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static void json(Context ctx, ObjectNode body) {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("application/json").result(body.toString());
  }

  @Override
  public void close() {
    pusher.shutdownNow();
    for (SseClient client : clients) {
      client.close();
    }
    app.stop();
  }
}
