package io.streamae.model.definition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Names of an LSTM autoencoder's layers, under which model bundles store parameters: {@code
 * encoder-<i>}, {@code <head>-lstm-<i>}, {@code <head>-output} with head {@code reconstruction} or
 * {@code prediction}. Training builds its DL4J graph with these names and inference reads the
 * parameters back by them, so they live here, free of DL4J, and never change for a released format.
 */
public final class LayerNames {
  public static final String INPUT = "input";
  public static final String RECONSTRUCTION = "reconstruction";
  public static final String PREDICTION = "prediction";

  private LayerNames() {}

  public static String encoderLayer(int index) {
    return "encoder-" + index;
  }

  public static String decoderLayer(String head, int index) {
    return head + "-lstm-" + index;
  }

  public static String outputLayer(String head) {
    return head + "-output";
  }

  /** Heads of a spec in output order. */
  public static List<String> heads(AutoencoderSpec spec) {
    List<String> heads = new ArrayList<>(2);
    if (spec.mode().reconstructs()) {
      heads.add(RECONSTRUCTION);
    }
    if (spec.mode().predicts()) {
      heads.add(PREDICTION);
    }
    return heads;
  }

  /** Decoder hidden sizes: the encoder's, innermost first. */
  public static List<Integer> decoderSizes(AutoencoderSpec spec) {
    List<Integer> sizes = new ArrayList<>(spec.layers());
    Collections.reverse(sizes);
    return sizes;
  }
}
