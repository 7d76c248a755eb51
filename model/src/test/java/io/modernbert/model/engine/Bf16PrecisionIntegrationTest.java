package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.graph.Precision;
import io.modernbert.model.testing.Fixtures;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** bf16 matmuls: the golden sequences' embeddings at cosine similarity 0.999 or more to fp32. */
class Bf16PrecisionIntegrationTest {
  private static InferenceEngine fp32;
  private static InferenceEngine bf16;

  /**
   * BF16 as ModernBERT-base runs it by default: XLA fuses the element-wise ops (AUTO leaves the
   * tiny model unfused).
   */
  private static InferenceEngine bf16Fused;

  private static SafetensorsFile golden;

  @BeforeAll
  static void load() {
    fp32 = InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions());
    bf16 =
        InferenceEngine.load(
            Fixtures.TINY_CLASSIFIER, Fixtures.testOptions().withPrecision(Precision.BF16));
    bf16Fused =
        InferenceEngine.load(
            Fixtures.TINY_CLASSIFIER,
            Fixtures.testOptions().withPrecision(Precision.BF16).withXla(XlaMode.ELEMENTWISE));
    golden = SafetensorsFile.open(Fixtures.GOLDEN.resolve("tiny-classifier-ids.safetensors"));
  }

  @AfterAll
  static void close() {
    fp32.close();
    bf16.close();
    bf16Fused.close();
    golden.close();
  }

  static Stream<String> sequences() {
    return IntStream.range(0, 15).mapToObj(i -> String.format("s%02d", i));
  }

  @ParameterizedTest
  @MethodSource("sequences")
  void shouldStayWithinCosine0999OfFp32(String key) {
    int[] ids = golden.readInts(key + ".input_ids");

    RawOutputs full = fp32.forward(ids, false);
    RawOutputs half = bf16.forward(ids, false);

    assertThat(cosine(half.mean(), full.mean()))
        .as("%s mean pooling", key)
        .isGreaterThanOrEqualTo(0.999);
    assertThat(cosine(half.cls(), full.cls())).as("%s CLS", key).isGreaterThanOrEqualTo(0.999);
    assertThat(cosine(half.mean(), golden.readFloats(key + ".mean_pooled")))
        .as("%s mean pooling vs transformers", key)
        .isGreaterThanOrEqualTo(0.999);
  }

  @ParameterizedTest
  @MethodSource("sequences")
  void shouldStayWithinCosine0999OfFp32WithXlaFusion(String key) {
    int[] ids = golden.readInts(key + ".input_ids");

    RawOutputs full = fp32.forward(ids, false);
    RawOutputs half = bf16Fused.forward(ids, false);

    assertThat(cosine(half.mean(), full.mean()))
        .as("%s mean pooling", key)
        .isGreaterThanOrEqualTo(0.999);
    assertThat(cosine(half.cls(), full.cls())).as("%s CLS", key).isGreaterThanOrEqualTo(0.999);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(aa * bb);
  }
}
