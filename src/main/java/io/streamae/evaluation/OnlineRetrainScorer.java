package io.streamae.evaluation;

import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import io.streamae.retrain.NormalWindowSampler;
import io.streamae.retrain.RetrainSettings;
import io.streamae.retrain.ScoredWindow;
import io.streamae.scoring.AnomalyLikelihood;
import io.streamae.scoring.AnomalyScorer;
import io.streamae.scoring.ModelPriors;
import io.streamae.sink.AnomalyRecord;
import io.streamae.window.SensorWindow;
import java.util.Arrays;
import java.util.Map;

/**
 * Scores one series as the job would with continual retraining every {@code everyRows} rows, in
 * plain Java and deterministically: the windows of the series in order through the job's {@link
 * AnomalyScorer} and per-sensor calibration ({@link AnomalyLikelihood}, restarting from the new
 * version's prior when the version changes, as {@code calibrate-scores} does), a {@link
 * NormalWindowSampler} of the windows judged normal so far, and at every {@code everyRows}-th row
 * after the training rows a fine-tuned version ({@link TrainingRunner#fineTune}) that scores from
 * the next window on. The model learns only from rows already seen and only from windows its
 * calibration did not alarm (the warm-up windows, over the training rows, included); labels never
 * reach it. The swap is instantaneous here (the job takes a new version some windows after the
 * retrain starts), which is what makes it repeatable.
 *
 * <p>Windows are the series' last {@code T} kept rows (the job's {@code bridge} gap policy); a row
 * whose timestamp is not after the previous kept one is skipped, as the job makes it a late or
 * duplicate reading with {@code window.max-out-of-orderness 0}.
 */
final class OnlineRetrainScorer {
  private final AnomalyLikelihood.Settings scoring;
  private final RetrainSettings retrain;
  private final int everyRows;

  /** How often and how much it retrained. */
  record Outcome(NabEvaluation.SeriesRun run, int retrains, double retrainSeconds) {}

  OnlineRetrainScorer(AnomalyLikelihood.Settings scoring, RetrainSettings retrain, int everyRows) {
    if (everyRows < 1) {
      throw new IllegalArgumentException(
          String.format("--online-retrain (%s) must be >= 1 rows", everyRows));
    }
    this.scoring = scoring;
    this.retrain = retrain;
    this.everyRows = everyRows;
  }

  Outcome score(EvaluationSeries series, int trainRows, ModelBundle initial) {
    int n = series.rows();
    int f = series.features();
    int t = initial.layout().timesteps();
    RowResults rows = new RowResults(n);

    ModelBundle bundle = initial;
    AnomalyScorer scorer = new AnomalyScorer(bundle, 1);
    AnomalyLikelihood likelihood = new AnomalyLikelihood(scoring);
    AnomalyLikelihood.State state = AnomalyLikelihood.State.create(scoring);
    String calibratedVersion = null;
    var spec = bundle.metadata().architecture();
    NormalWindowSampler sampler =
        new NormalWindowSampler(
            t, spec.predictedSteps(), f, retrain.sampleWindows(), retrain.sampleStride(), 1);
    AnomalyScorer.Previous previous = null;

    int[] kept = new int[n];
    int count = 0;
    long last = Long.MIN_VALUE;
    int retrains = 0;
    double retrainSeconds = 0;
    int nextRetrain = trainRows + everyRows;
    for (int row = 0; row < n; row++) {
      long ts = series.timestampsMs()[row];
      if (ts <= last) {
        continue;
      }
      last = ts;
      kept[count++] = row;
      if (count < t) {
        continue;
      }
      if (row >= nextRetrain && sampler.size() >= retrain.minWindows()) {
        long started = System.nanoTime();
        bundle = fineTune(bundle, sampler, retrains + 1);
        retrainSeconds += (System.nanoTime() - started) / 1e9;
        retrains++;
        scorer = new AnomalyScorer(bundle, 1);
        nextRetrain = row + everyRows;
      } else if (row >= nextRetrain) {
        nextRetrain = row + everyRows;
      }
      long[] windowTs = new long[t];
      float[] values = new float[t * f];
      for (int k = 0; k < t; k++) {
        int r = kept[count - t + k];
        windowTs[k] = series.timestampsMs()[r];
        System.arraycopy(series.values(), r * f, values, k * f, f);
      }
      AnomalyScorer.Scored scored =
          scorer.score(new SensorWindow(series.name(), windowTs, values, 0), previous);
      previous = scored.next();
      AnomalyRecord r = scored.record();
      if (!r.ok()) {
        continue;
      }
      if (calibratedVersion != null && !calibratedVersion.equals(r.modelVersion())) {
        state =
            AnomalyLikelihood.State.fromPrior(scoring, ModelPriors.of(bundle.metadata()), state);
      }
      calibratedVersion = r.modelVersion();
      AnomalyLikelihood.Result c =
          likelihood.update(
              state,
              r.reconstructionError(),
              r.featureErrors(),
              r.predictionError(),
              r.lastValues(),
              r.windowEnd());
      rows.record(
          row,
          c.score(),
          c.anomalous(),
          r.reconstructionError(),
          r.predictionError(),
          c.warmingUp());
      float[] lastValues = Arrays.copyOfRange(values, (t - 1) * f, t * f);
      sampler.offer(
          new ScoredWindow(
              series.name(),
              windowTs[0],
              windowTs[t - 1],
              bundle.metadata().modelId(),
              r.modelVersion(),
              r.reconstructionError(),
              r.predictionError(),
              c.anomalous(),
              !c.anomalous(),
              windowTs[t - 1],
              lastValues));
    }
    return new Outcome(rows.toRun(series, trainRows), retrains, retrainSeconds);
  }

  private ModelBundle fineTune(ModelBundle parent, NormalWindowSampler sampler, int k) {
    return TrainingRunner.fineTune(
            new TrainingRunner.FineTuneRequest(
                parent,
                sampler.trainingData(parent.normalizer()),
                TrainingOptions.builder()
                    .epochs(retrain.epochs())
                    .batchSize(retrain.batchSize())
                    .learningRate(retrain.learningRate())
                    .validationFraction(retrain.validationFraction())
                    .seed(retrain.seed())
                    .build(),
                parent.metadata().modelVersion().replaceAll("\\.r\\d+$", "") + ".r" + k,
                "windows judged normal among the rows seen so far",
                Map.of("trigger", "every " + everyRows + " rows")))
        .bundle();
  }
}
