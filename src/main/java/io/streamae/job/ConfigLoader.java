package io.streamae.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Reads a YAML job file (nested or dotted keys) plus {@code --key value} overrides into a Flink
 * {@link Configuration}. Keys in the job's own namespaces must be known {@link JobOptions};
 * anything else (e.g. {@code parallelism.default}, {@code execution.checkpointing.interval}) is
 * passed to Flink as is.
 */
public final class ConfigLoader {
  private static final Set<String> OWN_PREFIXES =
      Set.of("source.", "generator.", "model.", "window.", "ingest.", "output.", "kafka.", "scoring.");

  /** Short command-line names for the options users change most. */
  public static final Map<String, String> ALIASES =
      Map.of(
          "source", "source.kind",
          "model", "model.path",
          "window-size", "window.size",
          "window-slide", "window.slide",
          "output", "output.path",
          "parallelism", "parallelism.default");

  private ConfigLoader() {}

  public static Configuration load(Path yaml, List<String> overrides) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    if (yaml != null) {
      if (!Files.isRegularFile(yaml)) {
        throw new IllegalArgumentException(String.format("job file %s does not exist", yaml));
      }
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
      if (root != null && !root.isNull()) {
        if (!root.isObject()) {
          throw new IllegalArgumentException(String.format("job file %s must be a mapping of keys to values", yaml));
        }
        flatten("", root, values);
      }
    }
    for (int i = 0; i < overrides.size(); i++) {
      String arg = overrides.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(String.format("expected --key value, found '%s'", arg));
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else {
        if (i + 1 >= overrides.size()) {
          throw new IllegalArgumentException(String.format("option --%s needs a value", key));
        }
        value = overrides.get(++i);
      }
      values.put(ALIASES.getOrDefault(key, key), value);
    }
    Set<String> known = knownKeys();
    for (String key : values.keySet()) {
      boolean own = OWN_PREFIXES.stream().anyMatch(key::startsWith);
      if (own && !known.contains(key) && !key.startsWith(JobOptions.KAFKA_PROPERTIES_PREFIX)) {
        throw new IllegalArgumentException(
            String.format("unknown option '%s'; known options: %s", key, known));
      }
    }
    return Configuration.fromMap(values);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        flatten(key, v, out);
      } else if (v.isArray()) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : v) {
          if (sb.length() > 0) {
            sb.append(';');
          }
          sb.append(item.asText());
        }
        out.put(key, sb.toString());
      } else if (!v.isNull()) {
        out.put(key, v.asText());
      }
    }
  }

  /** Keys of every {@link ConfigOption} constant in the job's option classes. */
  public static Set<String> knownKeys() {
    Set<String> keys = new TreeSet<>();
    for (Class<?> holder : List.<Class<?>>of(JobOptions.class)) {
      for (Field f : holder.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
          try {
            keys.add(((ConfigOption<?>) f.get(null)).key());
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return keys;
  }
}
