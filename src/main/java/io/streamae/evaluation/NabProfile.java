package io.streamae.evaluation;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The three NAB application profiles, with the cost-matrix weights of NAB's {@code
 * config/profiles.json}.
 *
 * <p>Input: none (constants). Output: the weights {@link NabScorer} applies to true positives,
 * false positives and false negatives. {@code tnWeight} is carried for completeness; NAB's scorer
 * never uses it (true negatives score zero).
 */
public enum NabProfile {
  /** Balanced costs: {@code tp 1.0, fp 0.11, fn 1.0, tn 1.0}. */
  STANDARD("standard", 1.0, 0.11, 1.0, 1.0),
  /** False positives cost twice as much: {@code tp 1.0, fp 0.22, fn 1.0, tn 1.0}. */
  REWARD_LOW_FP_RATE("reward_low_FP_rate", 1.0, 0.22, 1.0, 1.0),
  /** Missed windows cost twice as much: {@code tp 1.0, fp 0.11, fn 2.0, tn 1.0}. */
  REWARD_LOW_FN_RATE("reward_low_FN_rate", 1.0, 0.11, 2.0, 1.0);

  private final String nabName;
  private final double tpWeight;
  private final double fpWeight;
  private final double fnWeight;
  private final double tnWeight;

  NabProfile(String nabName, double tpWeight, double fpWeight, double fnWeight, double tnWeight) {
    this.nabName = nabName;
    this.tpWeight = tpWeight;
    this.fpWeight = fpWeight;
    this.fnWeight = fnWeight;
    this.tnWeight = tnWeight;
  }

  /** The profile's key in NAB's {@code profiles.json}, e.g. {@code reward_low_FP_rate}. */
  public String nabName() {
    return nabName;
  }

  /** Weight of a detected window (earned in full by a detection at the window's first row). */
  public double tpWeight() {
    return tpWeight;
  }

  /** Weight of a false positive (a detection outside every window). */
  public double fpWeight() {
    return fpWeight;
  }

  /** Cost of a window without any detection. */
  public double fnWeight() {
    return fnWeight;
  }

  /** Weight of a true negative; unused by NAB's scoring, kept to mirror the cost matrix. */
  public double tnWeight() {
    return tnWeight;
  }

  /** Looks a profile up by its NAB name ({@code standard}, ...) or its enum constant name. */
  public static NabProfile fromName(String name) {
    for (NabProfile profile : values()) {
      if (profile.nabName.equals(name) || profile.name().equalsIgnoreCase(name)) {
        return profile;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "unknown NAB profile '%s'; expected one of %s",
            name,
            Arrays.stream(values()).map(NabProfile::nabName).collect(Collectors.joining(", "))));
  }
}
