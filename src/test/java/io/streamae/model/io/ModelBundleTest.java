package io.streamae.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamae.scoring.ModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bundles round-trip exactly, and every kind of damage is refused with a message naming it. */
class ModelBundleTest {
  @TempDir Path dir;

  @Test
  void writeThenReadGivesTheSameModel() throws IOException {
    ModelBundle original = GoldenBundle.bundle();
    Path file = dir.resolve("m.sae");
    original.write(file);
    ModelBundle read = ModelBundle.read(file);
    assertThat(read.network().parameters()).isEqualTo(original.network().parameters());
    assertThat(read.metadata().architecture()).isEqualTo(original.metadata().architecture());
    assertThat(read.normalizer()).isEqualTo(original.normalizer());
    assertThat(read.threshold()).isEqualTo(original.threshold());
    assertThat(ModelLoader.load(file.toUri().toString()).versionLabel()).isEqualTo("golden:1");
  }

  @Test
  void unknownFormatVersionIsRefusedByNumber() throws IOException {
    Path file = rewrite(m -> m.put("formatVersion", 7), null);
    assertThatThrownBy(() -> ModelBundle.read(file))
        .isInstanceOf(BundleFormatException.class)
        .hasMessageContaining("unknown format version 7")
        .hasMessageContaining("reads 1");
  }

  @Test
  void tamperedParametersFailTheChecksum() throws IOException {
    Path file = rewrite(null, bytes -> bytes[17] ^= 0x40);
    assertThatThrownBy(() -> ModelBundle.read(file))
        .isInstanceOf(BundleFormatException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void missingEntryIsNamed() throws IOException {
    Path file = dir.resolve("no-params.sae");
    Map<String, byte[]> entries = entries(good());
    entries.remove(ModelBundle.PARAMETERS_ENTRY);
    zip(file, entries);
    assertThatThrownBy(() -> ModelBundle.read(file))
        .hasMessageContaining("missing entry parameters.bin");
  }

  @Test
  void javaSerializedEntriesAreNeverAccepted() throws IOException {
    Path file = dir.resolve("with-java-object.sae");
    Map<String, byte[]> entries = entries(good());
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new java.util.ArrayList<>(java.util.List.of("payload")));
    }
    entries.put("updaterState.bin", serialized.toByteArray());
    zip(file, entries);
    assertThatThrownBy(() -> ModelBundle.read(file))
        .hasMessageContaining("unexpected entry 'updaterState.bin'");
  }

  @Test
  void shapeMismatchNamesTheParameter() throws IOException {
    // Claims 4 hidden units while the stored arrays hold 3: the index no longer fits the file.
    Path file =
        rewrite(
            m -> {
              ((ObjectNode) m.get("architecture")).putArray("layers").add(4);
            },
            null);
    assertThatThrownBy(() -> ModelBundle.read(file))
        .isInstanceOf(BundleFormatException.class)
        .hasMessageContaining("encoder-0/W")
        .hasMessageContaining("[2, 12]")
        .hasMessageContaining("[2, 16]");
  }

  @Test
  void featureCountMismatchIsRefused() throws IOException {
    Path file = rewrite(m -> m.putArray("featureNames").add("temp"), null);
    assertThatThrownBy(() -> ModelBundle.read(file))
        .hasMessageContaining("names 1 features, the architecture has 2");
  }

  @Test
  void notAZipAndMissingFilesAreClearErrors() throws IOException {
    Path text = dir.resolve("model.sae");
    Files.writeString(text, "not a model");
    assertThatThrownBy(() -> ModelBundle.read(text)).hasMessageContaining("not a zip file");
    assertThatThrownBy(() -> ModelBundle.read(dir.resolve("absent.sae")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ModelLoader.load(dir.resolve("absent.sae").toString()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void aTruncatedBundleIsNamed() throws IOException {
    byte[] whole = Files.readAllBytes(good());
    Path cut = dir.resolve("cut.sae");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> ModelBundle.read(cut))
        .isInstanceOf(BundleFormatException.class)
        .hasMessageContaining(cut.toString());
    assertThatThrownBy(() -> ModelLoader.load(cut.toString())).hasMessageContaining(cut.toString());
  }

  private Path good() throws IOException {
    Path file = dir.resolve("good.sae");
    GoldenBundle.bundle().write(file);
    return file;
  }

  interface Edit<T> {
    void apply(T t) throws IOException;
  }

  private Path rewrite(Edit<ObjectNode> metadataEdit, Edit<byte[]> parameterEdit)
      throws IOException {
    Map<String, byte[]> entries = entries(good());
    if (metadataEdit != null) {
      ObjectMapper json = new ObjectMapper();
      ObjectNode m = (ObjectNode) json.readTree(entries.get(ModelBundle.METADATA_ENTRY));
      metadataEdit.apply(m);
      entries.put(ModelBundle.METADATA_ENTRY, json.writeValueAsBytes(m));
    }
    if (parameterEdit != null) {
      parameterEdit.apply(entries.get(ModelBundle.PARAMETERS_ENTRY));
    }
    Path out = dir.resolve("edited.sae");
    zip(out, entries);
    return out;
  }

  private static Map<String, byte[]> entries(Path file) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        out.put(e.getName(), zip.readAllBytes());
      }
    }
    return out;
  }

  private static void zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
  }
}
