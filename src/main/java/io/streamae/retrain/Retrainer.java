package io.streamae.retrain;

import io.streamae.model.definition.AutoencoderSpec;
import io.streamae.model.io.ModelBundle;
import io.streamae.model.training.ComputeThreads;
import io.streamae.model.training.TrainingData;
import io.streamae.model.training.TrainingOptions;
import io.streamae.model.training.TrainingRunner;
import io.streamae.scoring.ModelUpdate;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continual retraining, beside the scoring job: follows the job's results, keeps a bounded sample
 * of the windows judged normal per model, and when a model drifts (or on a schedule) fine-tunes a
 * new version from the current weights and publishes it, where the running job's model swap takes
 * it.
 *
 * <p>Input: result records ({@link #accept(byte[])}), in the order the job wrote them. Output: new
 * bundle versions through a {@link ModelPublisher}, and {@link Event}s.
 *
 * <ol>
 *   <li>Each result goes to its model's {@link NormalWindowSampler} and, when the version in use
 *       scored it, to its {@link DriftDetector}. Results of another model id are counted and left.
 *   <li>Every {@code checkEvery} results of a model: when it drifts, the sensors that drifted are
 *       noted; once at least {@code minDriftWindows} normal windows of theirs joined the sample
 *       since then (after a lasting shift the job's calibration relearns and judges the new level
 *       normal again) and the sample holds {@code minWindows}, a retrain starts. With a schedule
 *       ({@code every}) a retrain also starts when that much time passed since the last one.
 *   <li>Retraining fine-tunes the current bundle's weights on the sample (normalisation kept, the
 *       newest windows held out to calibrate the new threshold and the validation summary the job's
 *       calibration starts the new version from), in this thread, ND4J capped to it, paced by
 *       {@link CpuBudget}. The bundle records its parent, the trigger and the drift in {@code
 *       training.options}.
 *   <li>The new version is published. Until results of it arrive no other retrain of that model
 *       starts; when they do, the drift detector starts afresh with the new version's reference.
 *       The next retrain of the model comes {@code minInterval} after the publish at the earliest:
 *       a drift the new version does not absorb fully (its sensors are a minority of the sample) is
 *       retrained again then, not in a tight loop.
 * </ol>
 *
 * Not thread-safe: one feed thread calls {@link #accept}; {@link #stop()} may come from any thread.
 */
public final class Retrainer {
  private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);

  /** Results of a model after a publish without seeing the new version before it is given up. */
  static final int PENDING_RESULTS = 50_000;

  private final RetrainSettings settings;
  private final ModelPublisher publisher;
  private final Consumer<String> status;
  private final Clock clock;
  private final Map<String, ModelState> models = new LinkedHashMap<>();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;
  private volatile boolean training;
  private long results;
  private long unreadable;
  private long otherModels;

  /**
   * One retrain.
   *
   * @param trigger {@code drift} or {@code schedule}
   * @param driftedSensors sensors whose error median had drifted, of {@code judgedSensors}
   * @param worstRatio largest drifted median as a multiple of the parent's median validation error
   * @param trainSeconds wall time of fine-tuning, pauses for the CPU budget included
   * @param busySeconds time spent computing
   */
  public record Event(
      String modelId,
      String fromVersion,
      String toVersion,
      String trigger,
      int driftedSensors,
      int judgedSensors,
      double worstRatio,
      int windows,
      int sensorsInSample,
      int epochs,
      double trainSeconds,
      double busySeconds,
      double validationP50Before,
      double validationP50After,
      String uri,
      Instant at) {}

  private final class ModelState {
    ModelBundle current;
    ModelBundle pending;
    long pendingSince;
    final NormalWindowSampler sampler;
    final DriftDetector detector;
    long seen;
    Map<String, Long> driftMark;
    Instant lastRetrain;
    Instant lastPublished;

    ModelState(ModelBundle bundle) {
      AutoencoderSpec spec = bundle.metadata().architecture();
      current = bundle;
      sampler =
          new NormalWindowSampler(
              spec.timesteps(),
              spec.predictedSteps(),
              spec.features(),
              settings.sampleWindows(),
              settings.sampleStride(),
              settings.maxSensors());
      detector =
          new DriftDetector(
              reference(bundle),
              settings.recentWindows(),
              settings.driftFactor(),
              settings.driftShare(),
              settings.maxSensors());
      lastRetrain = clock.instant();
    }
  }

  /**
   * @param bundles the bundle each model id scores with now (its parent for the first retrain)
   * @param status receives one line per lifecycle step (drift detected, retrain started, published)
   */
  public Retrainer(
      List<ModelBundle> bundles,
      RetrainSettings settings,
      ModelPublisher publisher,
      Consumer<String> status,
      Clock clock) {
    if (bundles.isEmpty()) {
      throw new IllegalArgumentException("the retrainer needs the bundle of at least one model");
    }
    this.settings = settings;
    this.publisher = publisher;
    this.status = status;
    this.clock = clock;
    for (ModelBundle b : bundles) {
      if (models.containsKey(b.metadata().modelId())) {
        throw new IllegalArgumentException(
            String.format("two bundles of model id %s given", b.metadata().modelId()));
      }
      models.put(b.metadata().modelId(), new ModelState(b));
    }
  }

  public Retrainer(
      List<ModelBundle> bundles,
      RetrainSettings settings,
      ModelPublisher publisher,
      Consumer<String> status) {
    this(bundles, settings, publisher, status, Clock.systemUTC());
  }

  /** The median validation error of a bundle: the drift detector's reference. */
  static double reference(ModelBundle bundle) {
    double p50 = bundle.metadata().calibration().validation().p50();
    return p50 > 0 ? p50 : Math.max(bundle.threshold() / 10, 1e-9);
  }

  /** Retrains so far, oldest first. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  public long results() {
    return results;
  }

  /** Records that were not readable results (counted, skipped). */
  public long unreadable() {
    return unreadable;
  }

  /** Results of model ids this retrainer has no bundle of. */
  public long otherModels() {
    return otherModels;
  }

  /** Whether a fine-tuning run is in progress now. */
  public boolean training() {
    return training;
  }

  /** The version of {@code modelId} the job scores with, as the results last showed it. */
  public String currentVersion(String modelId) {
    ModelState m = models.get(modelId);
    return m == null ? null : m.current.versionLabel();
  }

  /** Ends a fine-tuning run in progress at its next mini-batch; later results are ignored. */
  public void stop() {
    stopping = true;
  }

  /** One result record of the job, as JSON. */
  public void accept(byte[] json) {
    if (stopping) {
      return;
    }
    ScoredWindow w;
    try {
      // Every model of a job has the job's features in the job's order (the swap checks it), so
      // one feature order reads the results of all of them.
      w =
          ScoredWindow.parse(
              json, models.values().iterator().next().current.layout().featureNames());
    } catch (IllegalArgumentException e) {
      if (unreadable++ == 0) {
        LOG.warn("skipping results the retrainer cannot read, first: {}", e.getMessage());
      }
      return;
    }
    accept(w);
  }

  /** One result. */
  public void accept(ScoredWindow w) {
    if (stopping) {
      return;
    }
    results++;
    ModelState m = models.get(w.modelId());
    if (m == null) {
      otherModels++;
      return;
    }
    boolean current = w.modelVersion().equals(m.current.versionLabel());
    if (!current && m.pending != null && w.modelVersion().equals(m.pending.versionLabel())) {
      adopt(m);
      current = true;
    }
    m.sampler.offer(w);
    if (current) {
      double error =
          m.current.metadata().architecture().mode().reconstructs()
              ? w.reconstructionError()
              : w.predictionError();
      m.detector.observe(w.sensorId(), error);
    }
    m.seen++;
    if (m.seen % settings.checkEvery() == 0) {
      check(m);
    }
  }

  private void adopt(ModelState m) {
    status(
        "%s now scores (was %s): drift detector restarts from its median validation error %.4g",
        m.pending.versionLabel(), m.current.versionLabel(), reference(m.pending));
    m.current = m.pending;
    m.pending = null;
    m.detector.reset(reference(m.current));
    m.driftMark = null;
  }

  private void check(ModelState m) {
    if (m.pending != null) {
      if (m.seen - m.pendingSince > PENDING_RESULTS) {
        status(
            "no result of %s after %,d results of %s: the job did not take it (see its"
                + " MODEL_REJECTED dead letters); retraining may start again",
            m.pending.versionLabel(), PENDING_RESULTS, m.current.metadata().modelId());
        m.pending = null;
      } else {
        return;
      }
    }
    if (m.lastPublished != null
        && clock.instant().isBefore(m.lastPublished.plus(settings.minInterval()))) {
      return;
    }
    DriftDetector.Assessment a = m.detector.assess();
    if (a.drifting()) {
      if (m.driftMark == null) {
        m.driftMark = m.sampler.addedBy(a.drifted().keySet());
        status(
            "drift of %s: %d of %d sensors' median error above %.1f× its median validation error"
                + " %.4g (up to %.1f×); waiting for %d normal windows of theirs",
            m.current.versionLabel(),
            a.drifted().size(),
            a.judged(),
            settings.driftFactor(),
            a.reference(),
            a.worstRatio(),
            settings.minDriftWindows());
      }
      long fresh = m.sampler.addedSince(m.driftMark);
      if (fresh >= settings.minDriftWindows() && m.sampler.size() >= settings.minWindows()) {
        retrain(m, "drift", a);
        return;
      }
    } else if (m.driftMark != null && a.judged() > 0) {
      m.driftMark = null;
    }
    if (settings.every() != null
        && m.sampler.size() >= settings.minWindows()
        && !clock.instant().isBefore(m.lastRetrain.plus(settings.every()))) {
      retrain(m, "schedule", a);
    }
  }

  private void retrain(ModelState m, String trigger, DriftDetector.Assessment a) {
    ModelBundle parent = m.current;
    String version = nextVersion(parent.metadata().modelVersion());
    TrainingData data = m.sampler.trainingData(parent.normalizer());
    int sensors = m.sampler.sensorsInSample();
    status(
        "retraining %s (%s) → %s:%s on %,d normal windows of %d sensors, %d epochs, at most"
            + " %.0f%% of one core",
        parent.versionLabel(),
        trigger,
        parent.metadata().modelId(),
        version,
        data.count(),
        sensors,
        settings.epochs(),
        settings.cpuShare() * 100);
    CpuBudget budget = new CpuBudget(settings.cpuShare(), () -> stopping);
    TrainingOptions options =
        TrainingOptions.builder()
            .epochs(settings.epochs())
            .batchSize(settings.batchSize())
            .learningRate(settings.learningRate())
            .validationFraction(settings.validationFraction())
            .seed(settings.seed())
            .listener(budget)
            .build();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("trigger", trigger);
    details.put("driftedSensors", a.drifted().size());
    details.put("judgedSensors", a.judged());
    details.put("driftFactor", settings.driftFactor());
    details.put("worstDriftRatio", a.worstRatio());
    details.put("sampleSensors", sensors);
    details.put("cpuShare", settings.cpuShare());
    long started = System.nanoTime();
    TrainingRunner.Outcome outcome;
    training = true;
    int priority = Thread.currentThread().getPriority();
    try {
      Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
      ComputeThreads.limitToCallingThread();
      outcome =
          TrainingRunner.fineTune(
              new TrainingRunner.FineTuneRequest(
                  parent,
                  data,
                  options,
                  version,
                  String.format(
                      Locale.ROOT,
                      "%,d windows judged normal by %s, of %d sensors, sampled from the job's"
                          + " results",
                      data.count(),
                      parent.versionLabel(),
                      sensors),
                  details));
    } catch (CancellationException e) {
      status("retraining of %s stopped", parent.versionLabel());
      return;
    } finally {
      training = false;
      Thread.currentThread().setPriority(priority);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    ModelBundle bundle = outcome.bundle();
    ModelUpdate update;
    try {
      update = publisher.publish(bundle);
    } catch (IOException e) {
      status(
          "cannot publish %s: %s; the job keeps %s",
          bundle.versionLabel(), e.getMessage(), parent.versionLabel());
      m.lastRetrain = clock.instant();
      return;
    }
    m.pending = bundle;
    m.pendingSince = m.seen;
    m.lastRetrain = clock.instant();
    m.lastPublished = m.lastRetrain;
    m.driftMark = null;
    Event event =
        new Event(
            parent.metadata().modelId(),
            parent.versionLabel(),
            bundle.versionLabel(),
            trigger,
            a.drifted().size(),
            a.judged(),
            a.worstRatio(),
            data.count(),
            sensors,
            outcome.training().history().size(),
            seconds,
            budget.busySeconds(),
            parent.metadata().calibration().validation().p50(),
            bundle.metadata().calibration().validation().p50(),
            update.uri(),
            clock.instant());
    events.add(event);
    status(
        "published %s in %.1f s (%.1f s computing): median validation error %.4g (was %.4g), %s",
        bundle.versionLabel(),
        seconds,
        budget.busySeconds(),
        event.validationP50After(),
        event.validationP50Before(),
        update.uri());
  }

  /** The next version: a number counts up ({@code 3 → 4}); otherwise {@code v → v.r1 → v.r2}. */
  static String nextVersion(String version) {
    if (version.matches("\\d{1,18}")) {
      return Long.toString(Long.parseLong(version) + 1);
    }
    java.util.regex.Matcher r =
        java.util.regex.Pattern.compile("(.*)\\.r(\\d{1,9})").matcher(version);
    if (r.matches()) {
      return r.group(1) + ".r" + (Integer.parseInt(r.group(2)) + 1);
    }
    return version + ".r1";
  }

  private void status(String template, Object... args) {
    String line = String.format(Locale.ROOT, template, args);
    LOG.info(line);
    status.accept(line);
  }

  /** Lines summing up the retrains, for the end of a run. */
  public List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (Event e : events) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %s → %s (%s): %,d windows of %d sensors, %d epochs, %.1f s (%.1f s computing);"
                  + " median validation error %.4g → %.4g",
              e.fromVersion(),
              e.toVersion(),
              e.trigger(),
              e.windows(),
              e.sensorsInSample(),
              e.epochs(),
              e.trainSeconds(),
              e.busySeconds(),
              e.validationP50Before(),
              e.validationP50After()));
    }
    return lines;
  }
}
