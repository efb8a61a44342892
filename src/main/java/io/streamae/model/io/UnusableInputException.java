package io.streamae.model.io;

import java.io.IOException;

/**
 * Input that can be read but holds nothing to score: an empty file, no usable row, every sensor
 * shorter than one window, every reading a dead letter. The command line exits with its own code
 * for it, distinct from a mistake in the command.
 */
public class UnusableInputException extends IOException {
  public UnusableInputException(String message) {
    super(message);
  }
}
