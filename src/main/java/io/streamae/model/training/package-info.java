/**
 * Offline training: history files to normalised sliding windows, DL4J (LSTM) or SameDiff (dense)
 * training with Adam, threshold calibration on held-out windows, and the bundle plus HTML report;
 * also the reference Keras examples.
 */
package io.streamae.model.training;
