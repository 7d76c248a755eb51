package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.checkpoint.SafetensorsFile;
import io.modernbert.model.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text in, outputs out, against transformers: the 32 tokenizer cases through the tiny classifier
 * give the reference ids, mean pooling and logits; the 13,302-token case is truncated to 8,191
 * tokens plus [SEP].
 */
class TinyClassifierTextGoldenTest {
  private static InferenceEngine engine;
  private static SafetensorsFile golden;

  @BeforeAll
  static void load() {
    engine = InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions());
    golden = SafetensorsFile.open(Fixtures.GOLDEN.resolve("tiny-classifier-text.safetensors"));
  }

  @AfterAll
  static void close() {
    engine.close();
    golden.close();
  }

  static Stream<Arguments> cases() throws IOException {
    JsonNode cases =
        new ObjectMapper()
            .readTree(Files.readString(Fixtures.GOLDEN.resolve("tokenizer-cases.json")))
            .path("cases");
    assertThat(cases.size()).isEqualTo(32);
    return IntStream.range(0, cases.size())
        .mapToObj(i -> Arguments.of(String.format("t%02d", i), cases.get(i).path("text").asText()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldMatchTransformersFromText(String key, String text) {
    int[] expectedIds = golden.readInts(key + ".input_ids");

    EncodedDocument result = engine.encode(List.of(DocumentInput.text(key, text)), true).get(0);

    assertThat(result.tokens()).isEqualTo(expectedIds.length);
    assertThat(result.truncated()).isEqualTo(expectedIds.length == 8192);
    assertThat(engine.tokenizer().encode(text).ids()).containsExactly(expectedIds);
    if (expectedIds.length == 8192) {
      assertThat(expectedIds[8191]).as("truncation keeps the final [SEP]").isEqualTo(50282);
    }
    double tolerance = expectedIds.length >= 8192 ? 2e-4 : 1e-4;
    TinyClassifierGoldenTest.assertClose(
        key + ".mean_pooled",
        result.embedding(),
        golden.readFloats(key + ".mean_pooled"),
        0,
        tolerance);
    TinyClassifierGoldenTest.assertClose(
        key + ".logits", result.logits(), golden.readFloats(key + ".logits"), 0, tolerance);
  }
}
