package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.testing.Fixtures;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiny random classifier against Hugging Face transformers (float64 reference) on 15 id
 * sequences of lengths 1 to 8,192, in fp32: every token state, both poolings, the head and the
 * logits within 1e-4 (2e-4 for the 8,192-token sequence).
 */
class TinyClassifierGoldenTest {
  private static InferenceEngine engine;
  private static SafetensorsFile golden;

  @BeforeAll
  static void load() {
    engine = InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions());
    golden = SafetensorsFile.open(Fixtures.GOLDEN.resolve("tiny-classifier-ids.safetensors"));
  }

  @AfterAll
  static void close() {
    engine.close();
    golden.close();
  }

  static Stream<String> sequences() {
    return IntStream.range(0, 15).mapToObj(i -> String.format("s%02d", i));
  }

  @ParameterizedTest
  @MethodSource("sequences")
  void shouldMatchTransformersOnEveryOutput(String key) {
    int[] ids = golden.readInts(key + ".input_ids");
    double tolerance = ids.length >= 8192 ? 2e-4 : 1e-4;

    RawOutputs outputs = engine.forward(ids, true);

    float[] expectedHidden = golden.readFloats(key + ".last_hidden_state");
    int hidden = engine.config().hiddenSize();
    assertThat(outputs.lastHiddenState()).hasNumberOfRows(ids.length);
    for (int t = 0; t < ids.length; t++) {
      assertClose(
          key + " token " + t, outputs.lastHiddenState()[t], expectedHidden, t * hidden, tolerance);
    }
    assertClose(
        key + ".mean_pooled",
        outputs.mean(),
        golden.readFloats(key + ".mean_pooled"),
        0,
        tolerance);
    assertClose(key + ".cls", outputs.cls(), golden.readFloats(key + ".cls"), 0, tolerance);
    assertClose(key + ".head", outputs.head(), golden.readFloats(key + ".head"), 0, tolerance);
    assertClose(
        key + ".logits", outputs.logits(), golden.readFloats(key + ".logits"), 0, tolerance);
  }

  static void assertClose(
      String what, float[] actual, float[] expected, int offset, double tolerance) {
    double worst = 0;
    int worstAt = -1;
    for (int i = 0; i < actual.length; i++) {
      double diff = Math.abs(actual[i] - expected[offset + i]);
      if (!(diff <= worst)) {
        worst = diff;
        worstAt = i;
      }
    }
    assertThat(worst)
        .as("%s: max |ours - transformers| at element %d", what, worstAt)
        .isLessThanOrEqualTo(tolerance);
  }
}
