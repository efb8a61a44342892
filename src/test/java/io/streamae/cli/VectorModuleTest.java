package io.streamae.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The relaunched child's stderr reaches the user without the JDK's incubator-module warning. */
class VectorModuleTest {
  private static final String NL = System.lineSeparator();

  @Test
  void dropsTheIncubatorWarningSoTheErrorIsTheFirstLine() throws Exception {
    String err = VectorModule.INCUBATOR_WARNING + NL + "error: unknown option --modle" + NL;

    assertThat(copy(err)).isEqualTo("error: unknown option --modle" + NL);
  }

  @Test
  void passesAnyOtherFirstLineOnUnchanged() throws Exception {
    for (String err :
        new String[] {
          "error: history file x.csv does not exist" + NL + "see: streamae train --help" + NL,
          "WARNING: something else" + NL + "error: x" + NL,
          "WARNING: Using incubator modules: jdk.incubator.foreign" + NL,
          "\rscored 10 of ~100 windows",
          "WARNING: Using incub",
          ""
        }) {
      assertThat(copy(err)).as("stderr %s", err).isEqualTo(err);
    }
  }

  @Test
  void dropsTheWarningOnlyOnceAndKeepsWhatFollowsByteForByte() throws Exception {
    String rest = "\repoch 1/5 [>   ]\repoch 2/5 [=>  ]" + NL + VectorModule.INCUBATOR_WARNING + NL;

    assertThat(copy(VectorModule.INCUBATOR_WARNING + NL + rest)).isEqualTo(rest);
  }

  private static String copy(String err) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VectorModule.copyDroppingIncubatorWarning(
        new ByteArrayInputStream(err.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
