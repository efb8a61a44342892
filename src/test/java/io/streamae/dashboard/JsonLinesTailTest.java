package io.streamae.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTailTest {
  @TempDir Path dir;

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicInteger tooLong = new AtomicInteger();

  @Test
  void waitsForTheFileAndForEachLinesEnd() throws Exception {
    Path file = dir.resolve("results.jsonl");
    try (JsonLinesTail tail =
        new JsonLinesTail(file, lines::add, tooLong::incrementAndGet, Duration.ofMillis(20))) {
      Thread.sleep(100);
      append(file, "{\"a\":1}\n{\"b\":");
      await(() -> lines.size() == 1);
      Thread.sleep(100);
      assertThat(lines).containsExactly("{\"a\":1}");
      append(file, "2}\r\n\n{\"c\":\"é\"}\n");
      await(() -> lines.size() == 3);
      assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":\"é\"}");
    }
  }

  @Test
  void startsAgainWhenTheFileIsRewritten() throws Exception {
    Path file = dir.resolve("results.jsonl");
    append(file, "one\ntwo\n");
    try (JsonLinesTail tail =
        new JsonLinesTail(file, lines::add, tooLong::incrementAndGet, Duration.ofMillis(20))) {
      await(() -> lines.size() == 2);
      Files.writeString(
          file, "new\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      await(() -> lines.size() == 3);
      assertThat(lines).containsExactly("one", "two", "new");
    }
  }

  @Test
  void skipsALineLongerThanTheLimitAndReportsIt() throws Exception {
    Path file = dir.resolve("results.jsonl");
    append(file, "x".repeat(JsonLinesTail.MAX_LINE_BYTES + 10) + "\nafter\n");
    try (JsonLinesTail tail =
        new JsonLinesTail(file, lines::add, tooLong::incrementAndGet, Duration.ofMillis(20))) {
      await(() -> lines.size() == 1);
      assertThat(lines).containsExactly("after");
      assertThat(tooLong).hasValue(1);
    }
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(10);
    }
  }
}
