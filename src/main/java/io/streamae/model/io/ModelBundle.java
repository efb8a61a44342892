package io.streamae.model.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamae.model.inference.AutoencoderNetwork;
import io.streamae.model.inference.NamedArray;
import io.streamae.model.inference.ParameterSet;
import io.streamae.tensor.Normalizer;
import io.streamae.tensor.TensorLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model as one versioned file: a zip holding {@code metadata.json} and {@code
 * parameters.bin} (raw little-endian float32 arrays, indexed and checksummed in the metadata).
 *
 * <p>The format is data only: no Java serialization and no DL4J model zip, whose Java-object
 * entries are a known remote-code-execution path. The reader accepts exactly the two entries above
 * and verifies format version, checksum and every array shape before returning.
 */
public final class ModelBundle {
  public static final int FORMAT_VERSION = 1;
  public static final String METADATA_ENTRY = "metadata.json";
  public static final String PARAMETERS_ENTRY = "parameters.bin";
  private static final long MAX_ENTRY_BYTES = 512L * 1024 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final ModelMetadata metadata;
  private final AutoencoderNetwork network;

  private ModelBundle(ModelMetadata metadata, AutoencoderNetwork network) {
    this.metadata = metadata;
    this.network = network;
  }

  /** Bundles a network with its metadata; the parameter index and checksum are filled in here. */
  public static ModelBundle of(ModelMetadata metadata, AutoencoderNetwork network) {
    byte[] bytes = encode(network.parameters());
    List<ModelMetadata.ArrayEntry> index = new ArrayList<>();
    for (NamedArray a : network.parameters().arrays()) {
      index.add(new ModelMetadata.ArrayEntry(a.name(), a.shape()));
    }
    ModelMetadata complete =
        new ModelMetadata(
            FORMAT_VERSION,
            metadata.modelId(),
            metadata.modelVersion(),
            metadata.createdAt(),
            network.spec(),
            metadata.featureNames(),
            metadata.normalization(),
            metadata.calibration(),
            metadata.training(),
            new ModelMetadata.Parameters(PARAMETERS_ENTRY, sha256(bytes), index));
    check(complete);
    return new ModelBundle(complete, network);
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  public AutoencoderNetwork network() {
    return network;
  }

  public TensorLayout layout() {
    return new TensorLayout(metadata.architecture().timesteps(), metadata.featureNames());
  }

  public Normalizer normalizer() {
    return new Normalizer(metadata.normalization().mean(), metadata.normalization().std());
  }

  public double threshold() {
    return metadata.calibration().threshold();
  }

  /** {@code modelId:modelVersion}, as shown on result records. */
  public String versionLabel() {
    return metadata.modelId() + ":" + metadata.modelVersion();
  }

  /** Writes the bundle atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
      zip.write(JSON.writeValueAsBytes(metadata));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(PARAMETERS_ENTRY));
      zip.write(encode(network.parameters()));
      zip.closeEntry();
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      // Temporary files are private to the owner; a bundle is meant to be shared and deployed.
      Files.setPosixFilePermissions(
          tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep its defaults
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads and verifies a bundle.
   *
   * @throws BundleFormatException naming the problem: not a bundle, unexpected or missing entry,
   *     unknown format version, checksum mismatch, shape mismatch
   */
  public static ModelBundle read(Path file) throws IOException {
    try {
      InputFiles.requireFile(file, "model bundle");
    } catch (IOException e) {
      throw new BundleFormatException(e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  public static ModelBundle read(InputStream stream, String name) throws IOException {
    byte[] metadataBytes = null;
    byte[] parameterBytes = null;
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(stream)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        entries++;
        switch (entry.getName()) {
          case METADATA_ENTRY -> metadataBytes = readEntry(zip, name, entry.getName());
          case PARAMETERS_ENTRY -> parameterBytes = readEntry(zip, name, entry.getName());
          default ->
              throw new BundleFormatException(
                  String.format(
                      "model bundle %s has unexpected entry '%s': only %s and %s are allowed",
                      name, entry.getName(), METADATA_ENTRY, PARAMETERS_ENTRY));
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new BundleFormatException(
          String.format("model bundle %s is not a valid zip file: %s", name, e.getMessage()), e);
    } catch (java.io.EOFException e) {
      // A truncated entry: the inflater runs out of input ("Unexpected end of ZLIB input stream").
      throw new BundleFormatException(
          String.format("model bundle %s is truncated (%s): copy it again", name, e.getMessage()),
          e);
    } catch (BundleFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(
          String.format("cannot read model bundle %s: %s", name, e.getMessage()), e);
    }
    if (entries == 0) {
      throw new BundleFormatException(
          String.format("model bundle %s is not a zip file or is empty", name));
    }
    if (metadataBytes == null) {
      throw new BundleFormatException(
          String.format("model bundle %s is missing entry %s", name, METADATA_ENTRY));
    }
    if (parameterBytes == null) {
      throw new BundleFormatException(
          String.format("model bundle %s is missing entry %s", name, PARAMETERS_ENTRY));
    }
    int version;
    try {
      version = JSON.readTree(metadataBytes).path("formatVersion").asInt(-1);
    } catch (IOException e) {
      throw new BundleFormatException(
          String.format(
              "model bundle %s: %s is not valid JSON: %s", name, METADATA_ENTRY, e.getMessage()),
          e);
    }
    if (version != FORMAT_VERSION) {
      throw new BundleFormatException(
          String.format(
              "model bundle %s has unknown format version %s (this build reads %s)",
              name, version, FORMAT_VERSION));
    }
    ModelMetadata metadata;
    try {
      metadata = JSON.readValue(metadataBytes, ModelMetadata.class);
    } catch (IOException e) {
      throw new BundleFormatException(
          String.format("model bundle %s: invalid %s: %s", name, METADATA_ENTRY, e.getMessage()),
          e);
    }
    try {
      check(metadata);
    } catch (IllegalArgumentException e) {
      throw new BundleFormatException(
          String.format("model bundle %s: %s", name, e.getMessage()), e);
    }
    String actual = sha256(parameterBytes);
    if (!actual.equals(metadata.parameters().sha256())) {
      throw new BundleFormatException(
          String.format(
              "model bundle %s: parameters checksum mismatch (metadata says %s, %s has %s)",
              name, metadata.parameters().sha256(), PARAMETERS_ENTRY, actual));
    }
    try {
      ParameterSet parameters = decode(parameterBytes, metadata.parameters().arrays());
      return new ModelBundle(metadata, AutoencoderNetwork.of(metadata.architecture(), parameters));
    } catch (IllegalArgumentException e) {
      throw new BundleFormatException(
          String.format("model bundle %s: %s", name, e.getMessage()), e);
    }
  }

  private static void check(ModelMetadata m) {
    if (m.architecture() == null) {
      throw new IllegalArgumentException("metadata has no architecture");
    }
    if (m.featureNames() == null || m.featureNames().size() != m.architecture().features()) {
      throw new IllegalArgumentException(
          String.format(
              "metadata names %s features, the architecture has %s",
              m.featureNames() == null ? 0 : m.featureNames().size(), m.architecture().features()));
    }
    if (m.normalization() == null
        || m.normalization().mean().length != m.architecture().features()
        || m.normalization().std().length != m.architecture().features()) {
      throw new IllegalArgumentException("normalisation statistics do not match the feature count");
    }
    new Normalizer(m.normalization().mean(), m.normalization().std());
    if (m.calibration() == null || !(m.calibration().threshold() > 0)) {
      throw new IllegalArgumentException("calibration has no positive threshold");
    }
    if (m.parameters() == null || m.parameters().arrays() == null) {
      throw new IllegalArgumentException("metadata has no parameter index");
    }
  }

  private static byte[] readEntry(ZipInputStream zip, String bundle, String entry)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = zip.read(buffer)) > 0) {
      total += n;
      if (total > MAX_ENTRY_BYTES) {
        throw new BundleFormatException(
            String.format(
                "model bundle %s: entry %s is larger than %s bytes",
                bundle, entry, MAX_ENTRY_BYTES));
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  static byte[] encode(ParameterSet parameters) {
    long count = parameters.parameterCount();
    ByteBuffer buffer =
        ByteBuffer.allocate(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (NamedArray a : parameters.arrays()) {
      buffer.asFloatBuffer().put(a.data());
      buffer.position(buffer.position() + a.data().length * 4);
    }
    return buffer.array();
  }

  private static ParameterSet decode(byte[] bytes, List<ModelMetadata.ArrayEntry> index) {
    long expected = 0;
    for (ModelMetadata.ArrayEntry e : index) {
      expected += Arrays.stream(e.shape()).asLongStream().reduce(1, (a, b) -> a * b);
    }
    if (expected * 4 != bytes.length) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %s bytes but the index describes %s float32 values (%s bytes)",
              PARAMETERS_ENTRY, bytes.length, expected, expected * 4));
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    ParameterSet set = new ParameterSet();
    for (ModelMetadata.ArrayEntry e : index) {
      int size = Arrays.stream(e.shape()).reduce(1, (a, b) -> a * b);
      float[] data = new float[size];
      buffer.asFloatBuffer().get(data);
      buffer.position(buffer.position() + size * 4);
      set.add(new NamedArray(e.name(), e.shape(), data));
    }
    return set;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  static ObjectMapper json() {
    return JSON;
  }
}
