package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.testing.Fixtures;
import io.modernbert.model.testing.ModelFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sentence-transformers folder (modules.json + Pooling + Normalize) decides the embedding. */
class SentenceTransformersPoolingTest {
  private static final String MODULES =
      """
      [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}
      ]
      """;
  private static final String CLS_POOLING =
      """
      {"word_embedding_dimension": 64, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false,
       "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}
      """;

  @TempDir Path folder;

  @Test
  void shouldYieldNormalizedClsFromModulesJson() throws IOException {
    ModelFolders.copy(Fixtures.TINY_CLASSIFIER, folder);
    Files.writeString(folder.resolve("modules.json"), MODULES);
    Files.createDirectories(folder.resolve("1_Pooling"));
    Files.writeString(folder.resolve("1_Pooling/config.json"), CLS_POOLING);
    Files.createDirectories(folder.resolve("2_Normalize"));

    try (InferenceEngine engine = InferenceEngine.load(folder, Fixtures.testOptions());
        SafetensorsFile golden =
            SafetensorsFile.open(Fixtures.GOLDEN.resolve("tiny-classifier-ids.safetensors"))) {
      for (String key : List.of("s03", "s09", "s11")) {
        float[] cls = golden.readFloats(key + ".cls");
        float[] expected = EmbeddingPooling.normalized(cls);

        EncodedDocument result =
            engine
                .encode(List.of(DocumentInput.ids(key, golden.readInts(key + ".input_ids"))), false)
                .get(0);

        TinyClassifierGoldenTest.assertClose(
            key + " cls/|cls|", result.embedding(), expected, 0, 1e-4);
        assertThat(norm(result.embedding()))
            .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void shouldRejectUnsupportedModulesByName() throws IOException {
    ModelFolders.copy(Fixtures.TINY_CLASSIFIER, folder);
    Files.writeString(
        folder.resolve("modules.json"),
        "[{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
            + "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Dense\",\"type\":\"sentence_transformers.models.Dense\"}]");

    assertThatThrownBy(() -> InferenceEngine.load(folder, Fixtures.testOptions()))
        .hasMessageContaining("modules.json")
        .hasMessageContaining("sentence_transformers.models.Dense");
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }
}
