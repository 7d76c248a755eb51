package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modernbert.model.config.ModernBertConfig;
import org.junit.jupiter.api.Test;

class FlopsTest {
  private static final ModernBertConfig BASE =
      ModernBertConfig.load(SharedData.resolve("modernbert"), "config-base.json");

  @Test
  void shouldCountSlidingWindowPairs() {
    assertThat(Flops.slidingPairs(1, 64)).isEqualTo(1);
    assertThat(Flops.slidingPairs(3, 1)).isEqualTo(7); // 2 + 3 + 2
    assertThat(Flops.slidingPairs(1000, 64)).isEqualTo(1000 * 129 - 2 * (64 * 65 / 2.0));
  }

  @Test
  void shouldGiveModernBertBaseAbout022GflopPerTokenInItsLinearLayers() {
    // one token: no attention pairs worth mentioning; linear work dominates
    double perToken = Flops.document(BASE, 1);
    assertThat(perToken / 1e9).isCloseTo(0.22, within(0.005));
  }

  @Test
  void shouldGrowQuadraticallyOnlyThroughGlobalLayers() {
    double at4k = Flops.document(BASE, 4096) - 4096 * Flops.document(BASE, 1);
    double at8k = Flops.document(BASE, 8192) - 8192 * Flops.document(BASE, 1);
    assertThat(at8k / at4k).isBetween(3.5, 4.0);
  }

  @Test
  void shouldSumAWorkloadsDocuments() {
    Workload load = Workload.fixed(512, 3, 1);

    assertThat(Flops.workload(BASE, load)).isEqualTo(3 * Flops.document(BASE, 512));
  }
}
