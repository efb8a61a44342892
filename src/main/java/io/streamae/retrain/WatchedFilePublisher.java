package io.streamae.retrain;

import io.streamae.model.io.ModelBundle;
import io.streamae.scoring.ModelUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Publishes by replacing the watched {@code model.path} (local runs and file deployments with
 * {@code model.watch-interval}): every version is written to {@code archive/<id>-<version>.sae},
 * then copied next to the watched file and renamed over it in one step, so the job's watch never
 * reads half a bundle.
 */
public final class WatchedFilePublisher implements ModelPublisher {
  private final Path watched;
  private final Path archive;

  public WatchedFilePublisher(Path watched, Path archive) {
    this.watched = watched.toAbsolutePath();
    this.archive = archive.toAbsolutePath();
  }

  @Override
  public ModelUpdate publish(ModelBundle bundle) throws IOException {
    Path kept =
        archive.resolve(
            bundle.metadata().modelId() + "-" + bundle.metadata().modelVersion() + ".sae");
    bundle.write(kept);
    Path tmp = watched.resolveSibling(watched.getFileName() + ".retrained.tmp");
    Files.copy(kept, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, watched, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return ModelUpdate.describe(kept, watched.toString());
  }

  @Override
  public String describe() {
    return "the watched model file " + watched + " (versions kept in " + archive + ")";
  }
}
