package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void shouldDrawLognormalLengthsWithTheSpecifiedMedianAndClamp() {
    Workload load = Workload.lognormal(4000, 42);

    int[] lengths = load.documents().stream().mapToInt(d -> d.length).sorted().toArray();
    assertThat(lengths[0]).isGreaterThanOrEqualTo(8);
    assertThat(lengths[lengths.length - 1]).isLessThanOrEqualTo(8192);
    assertThat(lengths[lengths.length / 2]).isBetween(140, 160);
    double logSpread =
        Arrays.stream(lengths)
            .mapToDouble(Math::log)
            .map(x -> x - Math.log(150))
            .map(x -> x * x)
            .average()
            .orElseThrow();
    assertThat(Math.sqrt(logSpread)).isBetween(0.85, 0.95);
  }

  @Test
  void shouldBeReproducibleAndStartWithClsAndEndWithSep() {
    Workload first = Workload.parse("lognormal", 400, 42);
    Workload second = Workload.parse("lognormal", 400, 42);

    assertThat(first.documents()).hasSize(400);
    for (int i = 0; i < 400; i++) {
      assertThat(first.documents().get(i)).containsExactly(second.documents().get(i));
      assertThat(first.documents().get(i)[0]).isEqualTo(Workload.CLS);
      assertThat(first.documents().get(i)[first.documents().get(i).length - 1])
          .isEqualTo(Workload.SEP);
    }
  }

  @Test
  void shouldGiveFixedWorkloadsSixteenThousandTokensOfOneLength() {
    Workload load = Workload.parse("fixed:512", 400, 1);

    assertThat(load.name()).isEqualTo("fixed:512");
    assertThat(load.tokens()).isEqualTo(16_384);
    assertThat(load.documents()).allSatisfy(d -> assertThat(d).hasSize(512));
    assertThat(Workload.parse("fixed:8192", 400, 1).documents()).hasSize(2);
  }

  @Test
  void shouldRejectUnknownWorkloads() {
    assertThatThrownBy(() -> Workload.parse("uniform", 400, 1))
        .hasMessageContaining("unknown workload 'uniform'");
    assertThatThrownBy(() -> Workload.parse("fixed:9000", 400, 1))
        .hasMessageContaining("fixed length");
  }
}
