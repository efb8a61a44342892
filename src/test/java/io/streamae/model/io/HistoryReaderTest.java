package io.streamae.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryReaderTest {
  @TempDir Path dir;

  @Test
  void csvRowsAreGroupedBySensorSortedAndBadRowsReportedWithLineNumbers() throws IOException {
    Path csv =
        write(
            "h.csv",
            """
        timestamp,sensorId,temp,current
        2026-01-01 00:02:00,a,52.0,11.0
        2026-01-01 00:00:00,a,50.0,10.0
        2026-01-01 00:01:00,a,51.0,10.5
        2026-01-01 00:00:00,b,40.0,9.0
        not-a-time,b,41.0,9.0
        2026-01-01 00:01:00,b,NaN,9.0
        2026-01-01 00:02:00,b,abc,9.0
        2026-01-01 00:03:00,b,42.0
        2026-01-01 00:00:00,a,50.5,10.0
        """);
    HistoryData data = HistoryReader.defaults().read(csv);
    assertThat(data.featureNames()).containsExactly("temp", "current");
    assertThat(data.series()).containsOnlyKeys("a", "b");
    HistoryData.Series a = data.series().get("a");
    assertThat(a.timestamps()).containsExactly(1767225600000L, 1767225660000L, 1767225720000L);
    assertThat(a.values()).containsExactly(50f, 10f, 51f, 10.5f, 52f, 11f);
    assertThat(data.usableRows()).isEqualTo(4);
    assertThat(data.badRowCount()).isEqualTo(5);
    assertThat(data.badRows())
        .extracting(HistoryData.BadRow::line)
        .containsExactly(6L, 7L, 8L, 9L, 10L);
    assertThat(data.badRows().get(0).reason()).contains("timestamp");
    assertThat(data.badRows().get(1).reason()).contains("not finite");
    assertThat(data.badRows().get(2).reason()).contains("not a number");
    assertThat(data.badRows().get(4).reason()).contains("duplicate timestamp");
    assertThat(data.sha256()).hasSize(64);
  }

  @Test
  void jsonLinesInTheStreamFormat() throws IOException {
    Path jsonl =
        write(
            "h.jsonl",
            """
        {"sensorId":"p","ts":1000,"values":{"temp":1.0,"vib":0.1}}
        {"sensorId":"p","ts":2000,"values":{"vib":0.2,"temp":2.0}}
        {"sensorId":"p","ts":3000,"values":[3.0,0.3]}
        {broken
        {"sensorId":"p","ts":4000,"values":{"temp":4.0}}
        """);
    HistoryData data = HistoryReader.defaults().read(jsonl);
    assertThat(data.featureNames()).containsExactly("temp", "vib");
    assertThat(data.series().get("p").values()).containsExactly(1f, 0.1f, 2f, 0.2f, 3f, 0.3f);
    assertThat(data.badRows()).extracting(HistoryData.BadRow::line).containsExactly(4L, 5L);
  }

  @Test
  void explicitColumnsAndSeparator() throws IOException {
    Path csv = write("h.csv", "time;x;y;label\n1000;1;2;0\n2000;3;4;1\n");
    HistoryData data = new HistoryReader("time", null, List.of("y", "x"), ';').read(csv);
    assertThat(data.featureNames()).containsExactly("y", "x");
    assertThat(data.series().get(HistoryReader.DEFAULT_SENSOR).values())
        .containsExactly(2f, 1f, 4f, 3f);
  }

  @Test
  void fileWithoutUsableRowsIsAClearError() throws IOException {
    Path csv = write("bad.csv", "timestamp,value\nx,1\ny,2\n");
    assertThatThrownBy(() -> HistoryReader.defaults().read(csv))
        .hasMessageContaining("no usable rows")
        .hasMessageContaining("2 bad rows")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> HistoryReader.defaults().read(write("nots.csv", "a,b\n1,2\n")))
        .hasMessageContaining("no timestamp column");
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aFileThatStartsWithABraceIsJsonLinesWhateverItsName() throws IOException {
    Path file =
        write(
            "readings.txt",
            """
        {"sensorId": "a", "ts": 1767225660000, "values": {"temp": 51.0}}
        {"sensorId": "a", "ts": 1767225600000, "values": {"temp": 50.0}}
        """);
    HistoryData data = HistoryReader.defaults().read(file);
    assertThat(data.featureNames()).containsExactly("temp");
    assertThat(data.series().get("a").timestamps()).containsExactly(1767225600000L, 1767225660000L);
  }

  @Test
  void anEmptyFileOrADirectorySaysSo() throws IOException {
    Path empty = write("empty.csv", "");
    assertThatThrownBy(() -> HistoryReader.defaults().read(empty))
        .isInstanceOf(io.streamae.model.io.UnusableInputException.class)
        .hasMessage("history file " + empty + " is empty");
    assertThatThrownBy(() -> HistoryReader.defaults().read(dir))
        .hasMessage("history file " + dir + " is a directory, not a file");
  }
}
