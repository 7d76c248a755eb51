package io.modernbert.bench;

import static io.modernbert.bench.FakeLeg.measurement;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  // Two pairs of fixed:128; 1,000 tokens in each leg, so tokens/s = 1000 / seconds.
  private static final PairedRun FIXED =
      new PairedRun(
          "fixed:128",
          List.of("ours fp32", "ours bf16", "onnxruntime"),
          List.of("ours bf16", "ours fp32", "onnxruntime"),
          List.of(
              new PairedRun.Pair(
                  List.of(
                      measurement("fixed:128", "ours bf16", 0.5),
                      measurement("fixed:128", "ours fp32", 1.0),
                      measurement("fixed:128", "onnxruntime", 1.25))),
              new PairedRun.Pair(
                  List.of(
                      measurement("fixed:128", "onnxruntime", 1.25),
                      measurement("fixed:128", "ours fp32", 0.8),
                      measurement("fixed:128", "ours bf16", 0.5)))));

  // One pair of lognormal, our fp32 only, against both of the peer's legs.
  private static final PairedRun LOGNORMAL =
      new PairedRun(
          "lognormal",
          List.of("ours fp32", "onnxruntime arrival", "onnxruntime sorted"),
          List.of("onnxruntime sorted", "ours fp32", "onnxruntime arrival"),
          List.of(
              new PairedRun.Pair(
                  List.of(
                      measurement("lognormal", "onnxruntime sorted", 2.0),
                      measurement("lognormal", "ours fp32", 0.5),
                      measurement("lognormal", "onnxruntime arrival", 4.0)))));

  @Test
  void shouldPrintMedianRowsPairsRatiosAndSpeedups() {
    List<String> lines = BenchReport.lines(List.of(FIXED, LOGNORMAL), "ours fp32");

    assertThat(lines)
        .containsExactly(
            Measurement.header().split("\n")[0],
            Measurement.header().split("\n")[1],
            "| fixed:128         | ours fp32              |    10 |      1000 |      0.9 |"
                + "    1111.1 |   20.0% |  2222.2 | 555.6% |",
            "| fixed:128         | ours bf16              |    10 |      1000 |      0.5 |"
                + "    2000.0 |   20.0% |  4000.0 | 1000.0% |",
            "| fixed:128         | onnxruntime            |    10 |      1000 |      1.3 |"
                + "     800.0 |   20.0% |  1600.0 | 400.0% |",
            "| lognormal         | ours fp32              |    10 |      1000 |      0.5 |"
                + "    2000.0 |   20.0% |  4000.0 | 1000.0% |",
            "| lognormal         | onnxruntime arrival    |    10 |      1000 |      4.0 |"
                + "     250.0 |   20.0% |   500.0 | 125.0% |",
            "| lognormal         | onnxruntime sorted     |    10 |      1000 |      2.0 |"
                + "     500.0 |   20.0% |  1000.0 | 250.0% |",
            "PAIR fixed:128 1: ours bf16 2000.0, ours fp32 1000.0, onnxruntime 800.0 tokens/s",
            "PAIR fixed:128 2: onnxruntime 800.0, ours fp32 1250.0, ours bf16 2000.0 tokens/s",
            "PAIR lognormal 1: onnxruntime sorted 500.0, ours fp32 2000.0, onnxruntime arrival"
                + " 250.0 tokens/s",
            // 1000/800 = 1.25 and 1250/800 = 1.5625: median 1.40625
            "RATIO fixed:128 1.41 pairs 1.25 1.56 range 1.25..1.56",
            "RATIO lognormal 8.00 pairs 8.00 range 8.00..8.00",
            "RATIO lognormal-sorted 4.00 pairs 4.00 range 4.00..4.00",
            // 2000/1000 = 2 and 2000/1250 = 1.6
            "SPEEDUP bf16/fp32 fixed:128 1.80 pairs 2.00 1.60 range 1.60..2.00");
  }

  @Test
  void shouldPrintNoRatioWithoutThePeer() {
    PairedRun ours =
        new PairedRun(
            "fixed:512",
            List.of("ours fp32"),
            List.of("ours fp32"),
            List.of(new PairedRun.Pair(List.of(measurement("fixed:512", "ours fp32", 2.0)))));

    List<String> lines = BenchReport.lines(List.of(ours), "ours fp32");

    assertThat(lines).hasSize(4);
    assertThat(lines.get(3)).isEqualTo("PAIR fixed:512 1: ours fp32 500.0 tokens/s");
  }
}
