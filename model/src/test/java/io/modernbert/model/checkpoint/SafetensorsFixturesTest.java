package io.modernbert.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Reads the project's shared reference files, which were written by the Python safetensors library,
 * so the reader is checked against an independent writer. Paths are relative to the module
 * directory, the working directory Maven gives tests.
 */
class SafetensorsFixturesTest {

  private static final Path SHARED = io.modernbert.model.testing.Fixtures.SHARED;

  @Test
  void shouldReadTheGoldenTinyClassifierOutputs() {
    Path file = SHARED.resolve("fixtures/golden/tiny-classifier-ids.safetensors");
    assertThat(file).as("shared fixture").isRegularFile();
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      TensorInfo ids = st.info("s00.input_ids");
      assertThat(ids.dtype()).isEqualTo(SafetensorsDType.I32);
      assertThat(ids.shape()).containsExactly(1);
      assertThat(st.readInts("s00.input_ids")).containsExactly(50281);

      TensorInfo hidden = st.info("s14.last_hidden_state");
      assertThat(hidden.dtype()).isEqualTo(SafetensorsDType.F32);
      assertThat(hidden.shape()).containsExactly(8192, 64);
      float[] values = st.readFloats("s14.last_hidden_state");
      assertThat(values).hasSize(8192 * 64);
      assertThat(count(values, v -> !Float.isFinite(v))).as("non-finite values").isZero();

      int[] longest = st.readInts("s14.input_ids");
      assertThat(longest).hasSize(8192);
      assertThat(longest[0]).isEqualTo(50281);
      assertThat(longest[8191]).isEqualTo(50282);
      assertThat(st.metadata()).containsKey("lengths");
    }
  }

  @Test
  void shouldReadTheBf16LanguageIdModel() {
    Path modelDir = SHARED.resolve("models/langid-modernbert");
    assertThat(modelDir.resolve("model.safetensors")).as("shared model").isRegularFile();
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(modelDir)) {
      TensorInfo embeddings = checkpoint.info("model.embeddings.tok_embeddings.weight");
      assertThat(embeddings.dtype()).isEqualTo(SafetensorsDType.BF16);
      assertThat(embeddings.shape()).containsExactly(50368, 128);
      float[] values = checkpoint.readFloats("model.embeddings.tok_embeddings.weight");
      assertThat(values).hasSize(50368 * 128);
      assertThat(count(values, v -> !Float.isFinite(v))).as("non-finite values").isZero();
      assertThat(count(values, v -> v != 0f)).as("non-zero values").isPositive();
    }
  }

  private static long count(float[] values, FloatTest test) {
    long count = 0;
    for (float value : values) {
      if (test.test(value)) {
        count++;
      }
    }
    return count;
  }

  @FunctionalInterface
  private interface FloatTest {
    boolean test(float value);
  }
}
