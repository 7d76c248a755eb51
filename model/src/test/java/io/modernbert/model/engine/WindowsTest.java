package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modernbert.model.config.ModernBertConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Combining windows' results: token-weighted means, labels scored from the mean logits. */
class WindowsTest {
  private static final ModernBertConfig CLASSIFIER =
      ModernBertConfig.load(Path.of("../models/langid-modernbert"));

  private static EncodedDocument window(int tokens, float[] embedding, float[] logits) {
    return new EncodedDocument("w", tokens, false, embedding, List.of(), logits, null);
  }

  @Test
  void theEmbeddingIsTheTokenWeightedMean() {
    float[] logits = new float[CLASSIFIER.numLabels()];
    EncodedDocument combined =
        Windows.combine(
            "doc",
            List.of(
                window(300, new float[] {1, 0, 2}, logits),
                window(100, new float[] {0, 4, -2}, logits)),
            CLASSIFIER,
            false);
    assertThat(combined.embedding()).containsExactly(0.75f, 1.0f, 1.0f);
    assertThat(combined.tokens()).isEqualTo(400);
    assertThat(combined.windows()).isEqualTo(2);
    assertThat(combined.truncated()).isFalse();
  }

  @Test
  void normalizedWindowsGiveANormalizedMean() {
    float[] logits = new float[CLASSIFIER.numLabels()];
    EncodedDocument combined =
        Windows.combine(
            "doc",
            List.of(window(10, new float[] {1, 0}, logits), window(10, new float[] {0, 1}, logits)),
            CLASSIFIER,
            true);
    assertThat((double) combined.embedding()[0]).isCloseTo(Math.sqrt(0.5), within(1e-6));
    assertThat((double) combined.embedding()[1]).isCloseTo(Math.sqrt(0.5), within(1e-6));
  }

  @Test
  void labelsComeFromTheMeanLogits() {
    int labels = CLASSIFIER.numLabels();
    float[] first = new float[labels];
    float[] second = new float[labels];
    first[0] = 10; // the short window is sure of label 0
    second[1] = 4; // the long one leans to label 1
    EncodedDocument combined =
        Windows.combine(
            "doc",
            List.of(window(10, new float[] {0}, first), window(90, new float[] {0}, second)),
            CLASSIFIER,
            false);
    assertThat((double) combined.logits()[0]).isCloseTo(1.0, within(1e-6));
    assertThat((double) combined.logits()[1]).isCloseTo(3.6, within(1e-6));
    assertThat(combined.labels().get(0).label()).isEqualTo(CLASSIFIER.label(1));
  }

  @Test
  void nothingToCombineIsAnError() {
    assertThatThrownBy(() -> Windows.combine("doc", List.of(), CLASSIFIER, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("doc");
  }
}
