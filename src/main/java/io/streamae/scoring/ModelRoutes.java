package io.streamae.scoring;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which model id scores which sensor, so one job serves a fleet of different machine types: {@code
 * model.routes} is a comma-separated list of {@code pattern=modelId}, the first matching pattern
 * wins. A pattern is a sensor id, a prefix ending in {@code *} ({@code pump-*}) or {@code *} alone.
 *
 * <pre>{@code
 * ModelRoutes routes = ModelRoutes.parse("pump-*=pumps, fan-*=fans, *=default");
 * routes.modelFor("pump-7");   // "pumps"
 * routes.modelFor("boiler-1"); // "default"
 * }</pre>
 *
 * A sensor no pattern matches, or routed to a model id no bundle has been published for yet, scores
 * with the job's default model ({@code model.path}).
 */
public final class ModelRoutes implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One pattern; {@code prefix} true when the pattern ended in {@code *}. */
  record Route(String pattern, boolean prefix, String modelId) implements Serializable {
    boolean matches(String sensorId) {
      return prefix ? sensorId.startsWith(pattern) : sensorId.equals(pattern);
    }
  }

  private final List<Route> routes;
  private final String text;

  private ModelRoutes(List<Route> routes, String text) {
    this.routes = List.copyOf(routes);
    this.text = text;
  }

  /** No routes: every sensor scores with the default model. */
  public static ModelRoutes none() {
    return new ModelRoutes(List.of(), "");
  }

  /**
   * @throws IllegalArgumentException naming the entry that is not {@code pattern=modelId}, or a
   *     {@code *} elsewhere than at the end of a pattern
   */
  public static ModelRoutes parse(String text) {
    if (text == null || text.isBlank()) {
      return none();
    }
    List<Route> routes = new ArrayList<>();
    for (String entry : text.split(",")) {
      String e = entry.trim();
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1 || e.indexOf('=', eq + 1) >= 0) {
        throw new IllegalArgumentException(
            String.format("route '%s' must be pattern=modelId, e.g. pump-*=pumps", e));
      }
      String pattern = e.substring(0, eq).trim();
      String model = e.substring(eq + 1).trim();
      boolean prefix = pattern.endsWith("*");
      String fixed = prefix ? pattern.substring(0, pattern.length() - 1) : pattern;
      if (fixed.contains("*")) {
        throw new IllegalArgumentException(
            String.format("route pattern '%s' may have * only at its end", pattern));
      }
      if (model.isEmpty() || pattern.isEmpty()) {
        throw new IllegalArgumentException(
            String.format("route '%s' must be pattern=modelId, e.g. pump-*=pumps", e));
      }
      routes.add(new Route(fixed, prefix, model));
    }
    return new ModelRoutes(routes, text.trim());
  }

  /** The model id the first matching pattern names, or null when none matches. */
  public String modelFor(String sensorId) {
    for (Route r : routes) {
      if (r.matches(sensorId)) {
        return r.modelId();
      }
    }
    return null;
  }

  /** Whether some pattern names {@code modelId}. */
  public boolean names(String modelId) {
    return routes.stream().anyMatch(r -> r.modelId().equals(modelId));
  }

  public boolean isEmpty() {
    return routes.isEmpty();
  }

  @Override
  public String toString() {
    return text.isEmpty() ? "none: every sensor scores with the default model" : text;
  }
}
