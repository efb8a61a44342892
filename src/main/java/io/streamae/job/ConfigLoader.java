package io.streamae.job;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamae.model.io.InputFiles;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Collection;
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
 * {@link Configuration}. Every key must be a {@link JobOptions} key or one of Flink's ({@link
 * JobKeys}): Flink ignores keys it does not know, so a misspelt one would otherwise change nothing
 * without a word. A refused key is named with the closest known one.
 */
public final class ConfigLoader {
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
    return load(yaml, overrides, List.of());
  }

  /**
   * @param commandOptions the calling command's own options ({@code --model}, …), offered as
   *     corrections of a misspelt override next to the job keys
   * @throws IllegalArgumentException for an unknown key, naming the closest known one
   * @throws IOException for a job file that cannot be read or parsed, naming the file and line
   */
  public static Configuration load(
      Path yaml, List<String> overrides, Collection<String> commandOptions) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    if (yaml != null) {
      InputFiles.requireFile(yaml, "job file");
      JsonNode root;
      try {
        root = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        // snakeyaml's message: the context, indented source excerpts, then the problem
        String message =
            String.join(
                "; ",
                e.getOriginalMessage()
                    .lines()
                    .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                    .toList());
        throw new IOException(
            at == null || at.getLineNr() < 1
                ? String.format("job file %s: YAML error: %s", yaml, message)
                : String.format(
                    "job file %s: YAML error at line %d: %s", yaml, at.getLineNr(), message),
            e);
      }
      if (root != null && !root.isNull()) {
        if (!root.isObject()) {
          throw new IllegalArgumentException(
              String.format("job file %s must be a mapping of keys to values", yaml));
        }
        flatten("", root, values);
        for (String key : values.keySet()) {
          if (!JobKeys.isKnown(key)) {
            throw new IllegalArgumentException(
                String.format("job file %s: %s", yaml, JobKeys.unknown("key", key, List.of())));
          }
        }
      }
    }
    for (int i = 0; i < overrides.size(); i++) {
      String arg = overrides.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException(String.format("expected --key value, found '%s'", arg));
      }
      String key = arg.substring(2);
      int eq = key.indexOf('=');
      String inline = eq >= 0 ? key.substring(eq + 1) : null;
      key = eq >= 0 ? key.substring(0, eq) : key;
      if (key.isEmpty()) {
        throw new IllegalArgumentException(String.format("expected --key value, found '%s'", arg));
      }
      String resolved = ALIASES.getOrDefault(key, key);
      if (!JobKeys.isKnown(resolved)) {
        Set<String> extra = new TreeSet<>(commandOptions);
        ALIASES.keySet().forEach(a -> extra.add("--" + a));
        throw new IllegalArgumentException(JobKeys.unknown("option", "--" + key, extra));
      }
      String value = inline;
      if (value == null) {
        if (i + 1 >= overrides.size()) {
          throw new IllegalArgumentException(String.format("option --%s needs a value", key));
        }
        value = overrides.get(++i);
      }
      values.put(resolved, value);
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
        if (Modifier.isStatic(f.getModifiers())
            && ConfigOption.class.isAssignableFrom(f.getType())) {
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
