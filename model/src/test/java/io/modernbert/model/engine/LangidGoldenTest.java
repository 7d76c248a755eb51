package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default model (real langid classifier, bf16 weights, fp32 compute) against transformers on 48
 * held-out strings: logits within 1e-3, the same predicted label, and the same ids from text.
 */
class LangidGoldenTest {
  private static InferenceEngine engine;
  private static SafetensorsFile golden;

  @BeforeAll
  static void load() {
    engine = InferenceEngine.load(Fixtures.LANGID_MODEL, Fixtures.testOptions());
    golden = SafetensorsFile.open(Fixtures.GOLDEN.resolve("langid-cases.safetensors"));
  }

  @AfterAll
  static void close() {
    engine.close();
    golden.close();
  }

  static List<JsonNode> cases() throws IOException {
    JsonNode root =
        new ObjectMapper().readTree(Files.readString(Fixtures.GOLDEN.resolve("langid-cases.json")));
    List<JsonNode> cases = new ArrayList<>();
    root.path("cases").forEach(cases::add);
    assertThat(cases).hasSize(48);
    return cases;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void shouldMatchTransformersLogitsAndPrediction(JsonNode testCase) {
    String key = testCase.path("key").asText();
    int[] ids = golden.readInts(key + ".input_ids");
    assertThat(engine.tokenizer().encode(testCase.path("text").asText()).ids())
        .as("ids of %s from its text", key)
        .containsExactly(ids);

    EncodedDocument result = engine.encode(List.of(DocumentInput.ids(key, ids)), false).get(0);

    TinyClassifierGoldenTest.assertClose(
        key + ".logits", result.logits(), golden.readFloats(key + ".logits"), 0, 1e-3);
    TinyClassifierGoldenTest.assertClose(
        key + ".mean_pooled", result.embedding(), golden.readFloats(key + ".mean_pooled"), 0, 1e-3);
    assertThat(result.labels().get(0).label()).isEqualTo(testCase.path("predicted").asText());
  }
}
