package io.streamae.scoring;

import io.streamae.model.io.BundleFormatException;
import io.streamae.model.io.ModelBundle;
import io.streamae.tensor.TensorLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Opens a model bundle through Flink's file systems, so {@code model.path} may be a local path, a
 * {@code file://} URI or any scheme the cluster has a file-system plugin for ({@code s3://}, …).
 */
public final class ModelLoader {
  /** Largest bundle file read for an update (the bundle format's own entry limit). */
  static final long MAX_BUNDLE_BYTES = 512L * 1024 * 1024;

  private ModelLoader() {}

  /** A model update that must not be used, with the reason. */
  public static final class RejectedModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public RejectedModelException(String message) {
      super(message);
    }
  }

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

  /** The bytes of the file at {@code location}, through Flink's file systems. */
  public static byte[] readBytes(String location) throws IOException {
    Path path = new Path(location);
    FileSystem fs = path.getFileSystem();
    if (!fs.exists(path)) {
      throw new BundleFormatException(String.format("model bundle %s does not exist", location));
    }
    if (fs.getFileStatus(path).isDir()) {
      throw new BundleFormatException(
          String.format("model bundle %s is a directory, not a file", location));
    }
    long length = fs.getFileStatus(path).getLen();
    if (length > MAX_BUNDLE_BYTES) {
      throw new BundleFormatException(
          String.format(
              "model bundle %s has %s bytes, at most %s", location, length, MAX_BUNDLE_BYTES));
    }
    try (InputStream in = fs.open(path)) {
      return in.readAllBytes();
    }
  }

  /**
   * Loads the bundle an update names and checks it before it may score: the file's SHA-256, the
   * bundle format, that its model id and version are the ones announced, and that it consumes the
   * windows the job builds ({@code layout}: window size and feature names, in order).
   *
   * @throws RejectedModelException with a message naming the first check that failed
   */
  public static ModelBundle loadVerified(ModelUpdate update, TensorLayout layout)
      throws RejectedModelException {
    byte[] bytes;
    try {
      bytes = readBytes(update.uri());
    } catch (BundleFormatException e) {
      throw new RejectedModelException(e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw new RejectedModelException(
          String.format("cannot read model bundle %s: %s", update.uri(), e.getMessage()));
    }
    String actual = ModelBundle.sha256(bytes);
    if (!actual.equals(update.sha256())) {
      throw new RejectedModelException(
          String.format(
              "model bundle %s has SHA-256 %s, the update announced %s",
              update.uri(), actual, update.sha256()));
    }
    ModelBundle bundle;
    try {
      bundle = ModelBundle.read(new ByteArrayInputStream(bytes), update.uri());
    } catch (IOException | RuntimeException e) {
      throw new RejectedModelException(e.getMessage());
    }
    if (!bundle.metadata().modelId().equals(update.modelId())
        || !bundle.metadata().modelVersion().equals(update.modelVersion())) {
      throw new RejectedModelException(
          String.format(
              "model bundle %s is %s, the update announced %s",
              update.uri(), bundle.versionLabel(), update.versionLabel()));
    }
    TensorLayout actualLayout = bundle.layout();
    if (!actualLayout.equals(layout)) {
      throw new RejectedModelException(
          String.format(
              "model %s expects windows of %s steps with features %s, the job builds %s steps with features %s",
              bundle.versionLabel(),
              actualLayout.timesteps(),
              actualLayout.featureNames(),
              layout.timesteps(),
              layout.featureNames()));
    }
    return bundle;
  }
}
