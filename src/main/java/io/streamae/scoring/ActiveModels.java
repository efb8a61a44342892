package io.streamae.scoring;

import io.streamae.model.io.ModelBundle;
import io.streamae.sink.AnomalyRecord;
import io.streamae.tensor.TensorLayout;
import io.streamae.window.SensorWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models a scoring subtask holds: one {@link AnomalyScorer} per model id, the default model
 * (from {@code model.path}) and those published since, and the {@link ModelRoutes} that pick a
 * sensor's model. Pure Java; {@link ScoreWindowsOperator} keeps one per subtask and installs
 * updates between batches.
 *
 * <p>A batch of windows of many sensors is split by model, each part scored in one forward pass by
 * its model, and the records put back in arrival order; every record names the version that scored
 * it.
 */
public final class ActiveModels {
  private final String defaultModelId;
  private final ModelRoutes routes;
  private final TensorLayout layout;
  private final int batchSize;
  private final Map<String, AnomalyScorer> scorers = new LinkedHashMap<>();
  private final Map<String, AnomalyScorer> bySensor = new HashMap<>();

  /**
   * @param defaultBundle the model of every sensor that no route sends to a loaded model
   * @param layout the windows the job builds; every model must consume exactly these
   * @param batchSize most windows per forward pass
   */
  public ActiveModels(
      ModelBundle defaultBundle, ModelRoutes routes, TensorLayout layout, int batchSize) {
    this.defaultModelId = defaultBundle.metadata().modelId();
    this.routes = routes;
    this.layout = layout;
    this.batchSize = batchSize;
    install(defaultBundle);
  }

  public String defaultModelId() {
    return defaultModelId;
  }

  public TensorLayout layout() {
    return layout;
  }

  /** Version labels in use, by model id. */
  public Map<String, String> versions() {
    Map<String, String> out = new LinkedHashMap<>();
    scorers.forEach((id, scorer) -> out.put(id, scorer.bundle().versionLabel()));
    return out;
  }

  /** The version label of model {@code modelId}, or null when none is loaded. */
  public String version(String modelId) {
    AnomalyScorer scorer = scorers.get(modelId);
    return scorer == null ? null : scorer.bundle().versionLabel();
  }

  /**
   * Why this job would not use an update for {@code modelId}, or null when it would: the model id
   * must be the default model's or one that {@code model.routes} names.
   */
  public String refusal(ModelUpdate update) {
    if (update.modelId().equals(defaultModelId) || routes.names(update.modelId())) {
      return null;
    }
    return String.format(
        "model id %s is neither the default model (%s) nor named by model.routes (%s)",
        update.modelId(), defaultModelId, routes);
  }

  /** Scores with {@code bundle} from now on, for the sensors routed to its model id. */
  public void install(ModelBundle bundle) {
    ScoreWindowsOperator.checkLayout(bundle, layout);
    ModelPriors.register(bundle);
    scorers.put(bundle.metadata().modelId(), new AnomalyScorer(bundle, batchSize));
    bySensor.clear();
  }

  /** The scorer of a sensor: its routed model when one is loaded, else the default model. */
  public AnomalyScorer scorerFor(String sensorId) {
    AnomalyScorer scorer = bySensor.get(sensorId);
    if (scorer == null) {
      String id = routes.modelFor(sensorId);
      scorer = id == null ? null : scorers.get(id);
      if (scorer == null) {
        scorer = scorers.get(defaultModelId);
      }
      bySensor.put(sensorId, scorer);
    }
    return scorer;
  }

  /** The default model's scorer. */
  public AnomalyScorer defaultScorer() {
    return scorers.get(defaultModelId);
  }

  /**
   * Scores up to {@code batchSize} windows, each with its sensor's model, one forward pass per
   * model; records in input order.
   */
  public AnomalyScorer.Batch scoreBatch(
      List<SensorWindow> windows, AnomalyScorer.PreviousLookup stored) {
    if (scorers.size() == 1) {
      return defaultScorer().scoreBatch(windows, stored);
    }
    Map<AnomalyScorer, List<Integer>> parts = new IdentityHashMap<>();
    List<AnomalyScorer> order = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      AnomalyScorer scorer = scorerFor(windows.get(i).sensorId());
      parts
          .computeIfAbsent(
              scorer,
              s -> {
                order.add(s);
                return new ArrayList<>();
              })
          .add(i);
    }
    if (order.size() == 1) {
      return order.get(0).scoreBatch(windows, stored);
    }
    AnomalyRecord[] records = new AnomalyRecord[windows.size()];
    Map<String, AnomalyScorer.Previous> latest = new HashMap<>();
    for (AnomalyScorer scorer : order) {
      List<Integer> indices = parts.get(scorer);
      List<SensorWindow> part = new ArrayList<>(indices.size());
      for (int i : indices) {
        part.add(windows.get(i));
      }
      AnomalyScorer.Batch batch = scorer.scoreBatch(part, stored);
      for (int k = 0; k < indices.size(); k++) {
        records[indices.get(k)] = batch.records().get(k);
      }
      latest.putAll(batch.latest());
    }
    return new AnomalyScorer.Batch(Arrays.asList(records), latest);
  }
}
