package io.streamae.job;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * The keys a job file or a {@code --key value} override may name: StreamAE's own ({@link
 * JobOptions}) and Flink's, so that a misspelt key stops start-up instead of being ignored (Flink
 * silently ignores keys it does not know).
 *
 * <p>Flink's keys are not listed by hand: they are the {@link ConfigOption} constants (keys and
 * fallback keys) of every {@code org.apache.flink..*Options} class on the class path — {@code
 * CoreOptions}, {@code CheckpointingOptions}, {@code StateBackendOptions}, the RocksDB and
 * connector options classes when their jars are present — found by listing the class path's jars
 * and directories, read once and only when a key is not one of StreamAE's. Keys under a map option
 * ({@code pipeline.global-job-parameters.x}) and under the families Flink reads by prefix ({@code
 * metrics.reporter.*}, file-system plug-ins' {@code s3.*}, {@code fs.*}, …) are accepted too.
 *
 * <p>A refused key is reported with the closest known key (optimal string alignment distance, so a
 * swap of two letters counts once).
 */
public final class JobKeys {
  /** Families Flink and its plug-ins read by prefix, with names chosen by the user. */
  private static final List<String> FLINK_PREFIX_FAMILIES =
      List.of(
          "metrics.reporter.",
          "s3.",
          "fs.",
          "flink.hadoop.",
          "containerized.master.env.",
          "containerized.taskmanager.env.");

  private static volatile Catalogue flink;

  private JobKeys() {}

  /** Keys and prefixes found on the class path. */
  record Catalogue(Set<String> keys, Set<String> mapPrefixes) {}

  /** StreamAE's own keys: every {@link ConfigOption} constant of {@link JobOptions}. */
  public static Set<String> own() {
    return new TreeSet<>(optionsOf(JobOptions.class).keys());
  }

  /**
   * Flink's keys (options and fallback keys) from the {@code *Options} classes on the class path.
   */
  public static Set<String> flink() {
    return catalogue().keys();
  }

  /** Whether {@code key} means something to StreamAE or to Flink. */
  public static boolean isKnown(String key) {
    if (own().contains(key) || key.startsWith(JobOptions.KAFKA_PROPERTIES_PREFIX)) {
      return true;
    }
    if (FLINK_PREFIX_FAMILIES.stream()
        .anyMatch(p -> key.startsWith(p) && key.length() > p.length())) {
      return true;
    }
    Catalogue c = catalogue();
    return c.keys().contains(key)
        || c.mapPrefixes().stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length());
  }

  /**
   * The message for an unknown key, naming the closest known one when there is one near enough.
   *
   * @param shown how the key was written ({@code --windw.slide} or {@code windw.slide})
   * @param extra further names that are valid where the key was written (command-line options,
   *     aliases), in the same spelling as {@code shown}
   */
  public static String unknown(String what, String shown, Collection<String> extra) {
    String prefix = shown.startsWith("--") ? "--" : "";
    Set<String> candidates = new LinkedHashSet<>();
    for (String k : own()) {
      candidates.add(prefix + k);
    }
    for (String k : flink()) {
      candidates.add(prefix + k);
    }
    candidates.addAll(extra);
    String best = closest(shown, candidates);
    return best == null
        ? String.format("unknown %s %s: neither a StreamAE nor a Flink option", what, shown)
        : String.format("unknown %s %s; did you mean %s?", what, shown, best);
  }

  /**
   * The candidate nearest to {@code word} within a third of its length (at least 2 edits), else the
   * shortest candidate that begins with it, else {@code null}: a word unlike any option is not
   * "corrected" at random.
   */
  public static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance || (d == bestDistance && best != null && c.length() < best.length())) {
        best = c;
        bestDistance = d;
      }
    }
    int allowed = Math.max(2, word.length() / 3);
    if (bestDistance <= allowed) {
      return best;
    }
    // a key cut short ("scoring.alarm") names the shortest key it begins
    String completion = null;
    for (String c : candidates) {
      if (c.startsWith(word) && (completion == null || c.length() < completion.length())) {
        completion = c;
      }
    }
    return word.length() >= 4 ? completion : null;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static Catalogue catalogue() {
    Catalogue c = flink;
    if (c == null) {
      synchronized (JobKeys.class) {
        c = flink;
        if (c == null) {
          c = scan(JobKeys.class.getClassLoader());
          flink = c;
        }
      }
    }
    return c;
  }

  /**
   * Every {@code org.apache.flink..*Options} class visible to {@code loader}, read for its keys.
   */
  static Catalogue scan(ClassLoader loader) {
    Set<String> classNames = new TreeSet<>();
    for (Path root : classPathRoots(loader)) {
      try {
        if (Files.isDirectory(root)) {
          Path base = root.resolve("org/apache/flink");
          if (Files.isDirectory(base)) {
            try (Stream<Path> files = Files.walk(base)) {
              files.forEach(
                  p ->
                      addIfOptions(
                          root.relativize(p).toString().replace(File.separatorChar, '/'),
                          classNames));
            }
          }
        } else if (Files.isRegularFile(root)) {
          try (JarFile jar = new JarFile(root.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
              addIfOptions(entries.nextElement().getName(), classNames);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            String.format("cannot list %s for Flink's options: %s", root, e.getMessage()), e);
      }
    }
    Set<String> keys = new TreeSet<>();
    Set<String> mapPrefixes = new TreeSet<>();
    for (String name : classNames) {
      Class<?> holder;
      try {
        holder = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        continue; // an options class whose dependencies are absent holds no option we could use
      }
      Catalogue found = optionsOf(holder);
      keys.addAll(found.keys());
      mapPrefixes.addAll(found.mapPrefixes());
    }
    return new Catalogue(keys, mapPrefixes);
  }

  private static void addIfOptions(String entry, Set<String> out) {
    if (entry.startsWith("org/apache/flink/")
        && !entry.startsWith("org/apache/flink/shaded/")
        && entry.endsWith("Options.class")
        && !entry.contains("$")) {
      out.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
    }
  }

  private static Catalogue optionsOf(Class<?> holder) {
    Set<String> keys = new TreeSet<>();
    Set<String> mapPrefixes = new TreeSet<>();
    Field[] fields;
    try {
      fields = holder.getFields();
    } catch (LinkageError e) {
      return new Catalogue(keys, mapPrefixes);
    }
    for (Field f : fields) {
      if (!Modifier.isStatic(f.getModifiers())
          || !ConfigOption.class.isAssignableFrom(f.getType())) {
        continue;
      }
      ConfigOption<?> option;
      try {
        option = (ConfigOption<?>) f.get(null);
      } catch (IllegalAccessException | LinkageError | RuntimeException e) {
        continue;
      }
      if (option == null) {
        continue;
      }
      keys.add(option.key());
      for (FallbackKey fallback : option.fallbackKeys()) {
        keys.add(fallback.getKey());
      }
      if (isMap(f.getGenericType())) {
        mapPrefixes.add(option.key() + ".");
      }
    }
    return new Catalogue(keys, mapPrefixes);
  }

  private static boolean isMap(Type type) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
      Type arg = p.getActualTypeArguments()[0];
      Type raw = arg instanceof ParameterizedType pa ? pa.getRawType() : arg;
      return raw instanceof Class<?> c && Map.class.isAssignableFrom(c);
    }
    return false;
  }

  /** Jars and class directories visible to {@code loader}: every one has a manifest or a root. */
  private static Set<Path> classPathRoots(ClassLoader loader) {
    Set<Path> roots = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        roots.add(Paths.get(entry).toAbsolutePath().normalize());
      }
    }
    for (String resource : List.of("META-INF/MANIFEST.MF", "org/apache/flink/")) {
      try {
        Enumeration<URL> urls = loader.getResources(resource);
        while (urls.hasMoreElements()) {
          Path root = rootOf(urls.nextElement(), resource);
          if (root != null) {
            roots.add(root);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return roots;
  }

  private static Path rootOf(URL url, String resource) throws IOException {
    try {
      if ("jar".equals(url.getProtocol())) {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
          URL file = jar.getJarFileURL();
          return "file".equals(file.getProtocol())
              ? Paths.get(file.toURI()).toAbsolutePath().normalize()
              : null;
        }
      } else if ("file".equals(url.getProtocol())) {
        Path p = Paths.get(url.toURI());
        for (String ignored : resource.split("/")) {
          p = p.getParent();
        }
        return p == null ? null : p.toAbsolutePath().normalize();
      }
    } catch (URISyntaxException e) {
      return null;
    }
    return null;
  }
}
