package io.streamae.retrain;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.ModelUpdate;
import java.io.IOException;

/** Where a retrained bundle goes so that the running scoring job picks it up. */
public interface ModelPublisher extends AutoCloseable {
  /** Stores {@code bundle} and announces it; returns the announcement. */
  ModelUpdate publish(ModelBundle bundle) throws IOException;

  /** Where bundles go, for logs. */
  String describe();

  @Override
  default void close() {}
}
