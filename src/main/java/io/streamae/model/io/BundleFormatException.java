package io.streamae.model.io;

import java.io.IOException;

/** A model bundle that cannot be used, with a message that names the problem. */
public class BundleFormatException extends IOException {
  public BundleFormatException(String message) {
    super(message);
  }

  public BundleFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
