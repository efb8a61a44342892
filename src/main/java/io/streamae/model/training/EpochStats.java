package io.streamae.model.training;

import java.time.Duration;

/**
 * Progress after one epoch.
 *
 * @param validationLoss {@code NaN} when no validation split is held out
 * @param eta estimated time for the remaining epochs at the current speed
 */
public record EpochStats(
    int epoch,
    int epochs,
    double trainLoss,
    double validationLoss,
    double windowsPerSecond,
    Duration eta) {}
