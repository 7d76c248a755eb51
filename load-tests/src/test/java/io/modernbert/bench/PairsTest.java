package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.util.DoubleComparator;
import org.junit.jupiter.api.Test;

class PairsTest {
  private final List<String> log = new ArrayList<>();
  private final List<String> progress = new ArrayList<>();

  @Test
  void shouldRunOursThenThePeerThenThePeerThenOurs() throws Exception {
    FakeLeg ours = new FakeLeg("ours fp32", log, 1.0, 1.0, 1.0, 1.0);
    FakeLeg peer = new FakeLeg("onnxruntime", log, 1.0, 1.0, 1.0, 1.0);

    PairedRun run = Pairs.run("fixed:128", List.of(ours), List.of(peer), 4, progress::add);

    assertThat(log)
        .containsExactly(
            "warm onnxruntime",
            "warm ours fp32",
            "run ours fp32",
            "run onnxruntime",
            "run onnxruntime",
            "run ours fp32",
            "run ours fp32",
            "run onnxruntime",
            "run onnxruntime",
            "run ours fp32");
    assertThat(run.lineUp()).containsExactly("ours fp32", "onnxruntime");
    assertThat(run.pairs().get(1).inRunOrder())
        .extracting(Measurement::engine)
        .containsExactly("onnxruntime", "ours fp32");
    assertThat(progress).hasSize(8);
    assertThat(progress.get(2)).isEqualTo("pair 2/4, onnxruntime on fixed:128: 1000.0 tokens/s");
  }

  @Test
  void shouldRatioEachPairAndTakeTheMedian() throws Exception {
    // ours/peer per pair: 2/1.6 = 1.25, 2/2.2 = 0.909.., 2/1.5 = 1.333.., 2.5/2.0 = 1.25
    FakeLeg ours = new FakeLeg("ours fp32", log, 2.0, 2.2, 1.5, 2.0);
    FakeLeg peer = new FakeLeg("onnxruntime", log, 2.5, 2.0, 2.0, 2.5);

    PairedRun run = Pairs.run("fixed:512", List.of(ours), List.of(peer), 4, progress::add);
    Spread ratios = run.ratios("ours fp32", "onnxruntime");

    assertThat(ratios.values())
        .usingElementComparator(new DoubleComparator(1e-12))
        .containsExactly(1.25, 2.0 / 2.2, 2.0 / 1.5, 1.25);
    assertThat(ratios.median()).isCloseTo(1.25, within(1e-12));
    assertThat(ratios.min()).isCloseTo(0.909, within(1e-3));
    assertThat(ratios.max()).isCloseTo(1.333, within(1e-3));
    // the table's row: median seconds 2.0 of 2.0, 2.2, 1.5, 2.0
    assertThat(run.median("ours fp32").seconds()).isEqualTo(2.0);
    assertThat(run.median("onnxruntime").seconds()).isEqualTo(2.25);
  }

  @Test
  void shouldCancelAnOrderEffectOverAnEvenCountOfPairs() throws Exception {
    // The same speed for both, but whichever runs second is 10% slower.
    FakeLeg ours = new FakeLeg("ours fp32", log, 1.0, 1.1, 1.0, 1.1);
    FakeLeg peer = new FakeLeg("onnxruntime", log, 1.1, 1.0, 1.1, 1.0);

    Spread ratios =
        Pairs.run("fixed:128", List.of(ours), List.of(peer), 4, progress::add)
            .ratios("ours fp32", "onnxruntime");

    assertThat(ratios.median()).isCloseTo((1.1 + 1 / 1.1) / 2, within(1e-12)); // 1.0045
    assertThat(ratios.min()).isCloseTo(1 / 1.1, within(1e-12));
    assertThat(ratios.max()).isCloseTo(1.1, within(1e-12));
  }

  @Test
  void shouldLandOnTheMajorityOrderOverAnOddCountOfPairs() throws Exception {
    // The same order effect over 3 pairs: ours ran first twice, so the median is theirs.
    FakeLeg ours = new FakeLeg("ours fp32", log, 1.0, 1.1, 1.0);
    FakeLeg peer = new FakeLeg("onnxruntime", log, 1.1, 1.0, 1.1);

    Spread ratios =
        Pairs.run("fixed:128", List.of(ours), List.of(peer), 3, progress::add)
            .ratios("ours fp32", "onnxruntime");

    assertThat(ratios.median()).isCloseTo(1.1, within(1e-12));
  }

  @Test
  void shouldKeepOurFirstPrecisionNextToEveryPeerLeg() {
    Leg fp32 = new FakeLeg("ours fp32", log);
    Leg bf16 = new FakeLeg("ours bf16", log);
    Leg arrival = new FakeLeg("onnxruntime arrival", log);
    Leg sorted = new FakeLeg("onnxruntime sorted", log);

    List<Leg> lineUp = Pairs.lineUp(List.of(fp32, bf16), List.of(arrival, sorted));

    assertThat(lineUp).containsExactly(bf16, sorted, fp32, arrival);
    assertThat(Pairs.order(lineUp, 1)).containsExactly(arrival, fp32, sorted, bf16);
    assertThat(Pairs.order(lineUp, 2)).containsExactly(bf16, sorted, fp32, arrival);
    assertThat(Pairs.lineUp(List.of(fp32, bf16), List.of(arrival)))
        .containsExactly(bf16, fp32, arrival);
    assertThat(Pairs.lineUp(List.of(fp32, bf16), List.of())).containsExactly(bf16, fp32);
  }

  @Test
  void shouldWarmEveryLegBeforeTheFirstPair() throws Exception {
    FakeLeg fp32 = new FakeLeg("ours fp32", log, 1.0);
    FakeLeg bf16 = new FakeLeg("ours bf16", log, 1.0);
    FakeLeg arrival = new FakeLeg("onnxruntime arrival", log, 1.0);
    FakeLeg sorted = new FakeLeg("onnxruntime sorted", log, 1.0);

    Pairs.run("lognormal", List.of(fp32, bf16), List.of(arrival, sorted), 1, progress::add);

    assertThat(log)
        .containsExactly(
            "warm onnxruntime arrival",
            "warm onnxruntime sorted",
            "warm ours fp32",
            "warm ours bf16",
            "run ours bf16",
            "run onnxruntime sorted",
            "run ours fp32",
            "run onnxruntime arrival");
  }

  @Test
  void shouldRefuseZeroPairs() {
    FakeLeg ours = new FakeLeg("ours fp32", log);

    assertThatThrownBy(() -> Pairs.run("w", List.of(ours), List.of(), 0, progress::add))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log).isEmpty();
  }
}
