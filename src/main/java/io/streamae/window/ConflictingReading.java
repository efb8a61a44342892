package io.streamae.window;

import io.streamae.ingest.SensorReading;

/**
 * A reading with the sensor and timestamp of one already kept, but other values: neither can be
 * known to be right, so the second one leaves the windows as a dead letter naming both origins.
 *
 * @param reading the reading that arrived second and was not kept
 * @param keptSource the {@code source} of the reading that was kept; null when unknown
 */
public record ConflictingReading(SensorReading reading, String keptSource) {}
