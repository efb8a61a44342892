package io.streamae.cli;

import io.streamae.job.JobOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;
import org.apache.flink.util.TimeUtils;

/**
 * The help text of the job options ({@link JobOptions}: key, default, description), generated so
 * that {@code run --help} and {@code evaluate --help} list every option the job reads.
 */
final class JobOptionsHelp {
  private JobOptionsHelp() {}

  /** Footer lines: a heading, then one entry per option, prefixes like {@code kafka.} included. */
  static String[] footer(String heading) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(heading);
    for (Field f : JobOptions.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())
          || !ConfigOption.class.isAssignableFrom(f.getType())) {
        continue;
      }
      ConfigOption<?> option;
      try {
        option = (ConfigOption<?>) f.get(null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      lines.add(String.format(Locale.ROOT, "  --%s (default %s)", option.key(), defaultOf(option)));
      lines.addAll(wrap(description(option).replace("%", "%%"), "      ", 80));
    }
    lines.add(String.format(Locale.ROOT, "  --%s<name> VALUE", JobOptions.KAFKA_PROPERTIES_PREFIX));
    lines.add("      Passed to every Kafka client (SASL, SSL, …).");
    lines.add(
        "  Flink's own options (--parallelism.default, --execution.checkpointing.interval, …)");
    lines.add("      are accepted too; a key that is neither StreamAE's nor Flink's is refused.");
    return lines.toArray(String[]::new);
  }

  /**
   * Words of {@code text} in lines of at most {@code width} columns, each starting with {@code
   * indent}.
   */
  static List<String> wrap(String text, String indent, int width) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
        out.add(line.toString());
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    out.add(line.toString());
    return out;
  }

  static String defaultOf(ConfigOption<?> option) {
    if (!option.hasDefaultValue()) {
      return "none";
    }
    Object v = option.defaultValue();
    return v instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : String.valueOf(v);
  }

  static String description(ConfigOption<?> option) {
    StringBuilder sb = new StringBuilder();
    for (BlockElement block : option.description().getBlocks()) {
      if (block instanceof TextElement t) {
        sb.append(t.getFormat());
      }
    }
    return sb.toString();
  }
}
