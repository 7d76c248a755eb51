package io.modernbert.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bin/modernbert-stream --version} says what it is (it printed nothing before). */
class StreamMainVersionTest {
  @Test
  void shouldPrintItsVersion() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new StreamMain());
    cli.setOut(new PrintWriter(out));

    int exit = cli.execute("--version");

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("modernbert-stream ").doesNotContain("null");
  }
}
