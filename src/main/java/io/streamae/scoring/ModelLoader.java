package io.streamae.scoring;

import io.streamae.model.io.BundleFormatException;
import io.streamae.model.io.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Opens a model bundle through Flink's file systems, so {@code model.path} may be a local path, a
 * {@code file://} URI or any scheme the cluster has a file-system plugin for ({@code s3://}, …).
 */
public final class ModelLoader {
  private ModelLoader() {}

  public static ModelBundle load(String location) throws IOException {
    if (location == null || location.isBlank()) {
      throw new BundleFormatException("model.path is not set");
    }
    Path path = new Path(location);
    FileSystem fs = path.getFileSystem();
    if (!fs.exists(path)) {
      throw new BundleFormatException(String.format("model bundle %s does not exist", location));
    }
    if (fs.getFileStatus(path).isDir()) {
      throw new BundleFormatException(
          String.format("model bundle %s is a directory, not a file", location));
    }
    try (InputStream in = fs.open(path)) {
      return ModelBundle.read(in, location);
    }
  }
}
