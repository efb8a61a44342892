package io.streamae.cli;

import io.streamae.dashboard.Dashboard;
import picocli.CommandLine.Option;

/** Options of the dashboard, shared by {@code dashboard} and {@code run --dashboard}. */
final class DashboardOptions {
  @Option(
      names = "--dashboard.port",
      defaultValue = "" + Dashboard.Settings.DEFAULT_PORT,
      description =
          "port of the dashboard's web page (default ${DEFAULT-VALUE}; 0 = any free port)")
  int port;

  @Option(
      names = "--dashboard.host",
      defaultValue = "localhost",
      description =
          "interface to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
  String host;

  @Option(
      names = "--dashboard.history",
      defaultValue = "" + Dashboard.Settings.DEFAULT_HISTORY,
      description = "windows kept per sensor for its charts (default ${DEFAULT-VALUE})")
  int history;

  @Option(
      names = "--dashboard.max-sensors",
      defaultValue = "" + Dashboard.Settings.DEFAULT_MAX_SENSORS,
      description =
          "sensors kept in memory; beyond, the least recently updated is dropped (default ${DEFAULT-VALUE})")
  int maxSensors;

  Dashboard.Settings settings() {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          String.format("--dashboard.port (%s) must be 0..65535", port));
    }
    return new Dashboard.Settings(host, port, history, maxSensors);
  }
}
