package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Options only: nothing here reaches a service (a bad combination stops before any connection). */
class LoadCommandTest {
  private static LoadCommand parsed(String... args) {
    LoadCommand command = new LoadCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void shouldDrawLognormalLengthsUnlessToldOtherwise() {
    assertThat(parsed("--http-url", "http://127.0.0.1:1").lengths())
        .isEqualTo(LoadCommand.Lengths.lognormal);
    assertThat(parsed("--lengths", "mixed").lengths()).isEqualTo(LoadCommand.Lengths.mixed);
  }

  @Test
  void shouldTakeSentencesAsTheOldNameOfLengthsSentences() {
    assertThat(parsed("--sentences").lengths()).isEqualTo(LoadCommand.Lengths.sentences);
    assertThat(parsed("--sentences", "--lengths", "sentences").lengths())
        .isEqualTo(LoadCommand.Lengths.sentences);
  }

  @Test
  void shouldRefuseContradictoryDocumentOptions() {
    assertThat(run("--http-url", "http://127.0.0.1:1", "--sentences", "--lengths", "mixed"))
        .contains("--sentences means --lengths sentences");
    assertThat(run("--http-url", "http://127.0.0.1:1", "--input", "x.jsonl", "--lengths", "mixed"))
        .contains("exclude each other");
  }

  @Test
  void shouldWaitForReadyOnlyWithSettleAndAskReadyInHttpMode() {
    assertThat(parsed("--http-url", "http://127.0.0.1:8080").settle()).isNull();
    StartGate.Settle http =
        parsed("--http-url", "http://127.0.0.1:8080", "--settle", "20s").settle();
    assertThat(http.settle()).isEqualTo(Duration.ofSeconds(20));
    assertThat(http.readyUrl()).hasToString("http://127.0.0.1:8080/ready");
    assertThat(http.timeout()).isEqualTo(Duration.ofMinutes(10));
    StartGate.Settle kafka =
        parsed("--bootstrap-servers", "127.0.0.1:9092", "--settle", "0s", "--ready-timeout", "2m")
            .settle();
    assertThat(kafka.settle()).isZero();
    assertThat(kafka.readyUrl()).as("the probe document").isNull();
    assertThat(kafka.timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(
            parsed(
                    "--bootstrap-servers", "127.0.0.1:9092",
                    "--settle", "5s",
                    "--ready-url", "http://127.0.0.1:8080/ready")
                .settle()
                .readyUrl())
        .hasToString("http://127.0.0.1:8080/ready");
    assertThat(run("--bootstrap-servers", "127.0.0.1:1", "--ready-url", "http://127.0.0.1:1/ready"))
        .contains("--ready-url needs --settle");
  }

  @Test
  void shouldNoLongerTakeAnEngineBatchSinceTheComparisonChunksAsEncodeDoes() {
    assertThat(run("--http-url", "http://127.0.0.1:1", "--engine-compare", "--engine-batch", "256"))
        .contains("Unknown options: '--engine-batch'");
  }

  /** Runs the command, expects exit code 2 (bad options) and returns what it printed. */
  static String run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine line = new CommandLine(new LoadCommand()).setErr(new PrintWriter(err));
    assertThat(line.execute(args)).as(err.toString()).isEqualTo(2);
    return err.toString();
  }
}
