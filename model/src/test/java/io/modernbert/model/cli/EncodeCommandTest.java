package io.modernbert.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.testing.BrokenModels;
import io.modernbert.model.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modernbert encode} end to end on real files: the JSONL contract and its errors. */
class EncodeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final StringWriter stderr = new StringWriter();

  /** Runs the CLI; "encode" commands get --no-warmup (warm-up has its own test). */
  private int encode(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.isEmpty() && all.get(0).equals("encode")) {
      all.add("--no-warmup");
    }
    return ModernBertCli.run(new PrintWriter(stderr, true), all.toArray(String[]::new));
  }

  private List<JsonNode> readOutput(Path file) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void shouldWriteOneLinePerInputInOrderWithTheContractFields() throws IOException {
    Path input = dir.resolve("in.jsonl");
    Path output = dir.resolve("out.jsonl");
    Files.writeString(
        input,
        """
        {"id": "a", "text": "The market rallied as the central bank held rates."}

        {"id": 7, "input_ids": [50281, 510, 3158, 8516, 50282]}
        {"id": "c", "text": ""}
        """);

    int exit =
        encode(
            "encode",
            "--model",
            Fixtures.TINY_CLASSIFIER.toString(),
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--hidden-states",
            "--threads",
            "2");

    assertThat(exit).as(stderr.toString()).isZero();
    List<JsonNode> lines = readOutput(output);
    assertThat(lines)
        .extracting(line -> line.get("id").toString())
        .containsExactly("\"a\"", "7", "\"c\"");
    try (InferenceEngine engine =
        InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions())) {
      EncodedDocument expected =
          engine
              .encode(
                  List.of(DocumentInput.ids("7", new int[] {50281, 510, 3158, 8516, 50282})), true)
              .get(0);
      JsonNode second = lines.get(1);
      assertThat(second.get("tokens").asInt()).isEqualTo(5);
      assertThat(second.get("truncated").asBoolean()).isFalse();
      assertThat(second.get("embedding").size()).isEqualTo(64);
      assertThat((float) second.get("embedding").get(10).asDouble())
          .isEqualTo(expected.embedding()[10]);
      assertThat(second.get("logits").size()).isEqualTo(3);
      assertThat(second.get("labels").get(0).get("label").asText())
          .isEqualTo(expected.labels().get(0).label());
      assertThat(second.get("last_hidden_state").size()).isEqualTo(5);
      assertThat(second.get("last_hidden_state").get(4).size()).isEqualTo(64);
    }
    JsonNode labels = lines.get(0).get("labels");
    assertThat(labels.get(0).get("score").asDouble())
        .isGreaterThanOrEqualTo(labels.get(1).get("score").asDouble());
    assertThat(lines.get(2).get("tokens").asInt()).as("empty text is [CLS] [SEP]").isEqualTo(2);
  }

  @Test
  void shouldNormalizeAndTruncateOnRequest() throws IOException {
    Path input = dir.resolve("in.jsonl");
    Path output = dir.resolve("out.jsonl");
    Files.writeString(input, "{\"id\": \"long\", \"text\": \"" + "word ".repeat(100) + "\"}\n");

    int exit =
        encode(
            "encode",
            "--model",
            Fixtures.TINY_CLASSIFIER.toString(),
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--normalize",
            "--max-tokens",
            "16");

    assertThat(exit).as(stderr.toString()).isZero();
    JsonNode line = readOutput(output).get(0);
    assertThat(line.get("tokens").asInt()).isEqualTo(16);
    assertThat(line.get("truncated").asBoolean()).isTrue();
    double sum = 0;
    for (JsonNode value : line.get("embedding")) {
      sum += value.asDouble() * value.asDouble();
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void shouldReportABadLineByNumberAfterWritingTheLinesBeforeIt() throws IOException {
    Path input = dir.resolve("in.jsonl");
    Path output = dir.resolve("out.jsonl");
    Files.writeString(
        input,
        "{\"id\": 1, \"text\": \"fine\"}\n{\"id\": 2, \"text\": \"also fine\"}\n{\"id\": 3, \"text\": oops}\n");

    int exit =
        encode(
            "encode",
            "--model",
            Fixtures.TINY_CLASSIFIER.toString(),
            "--input",
            input.toString(),
            "--output",
            output.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(stderr.toString()).contains("input line 3").contains("not valid JSON");
    assertThat(readOutput(output)).hasSize(2);
  }

  @Test
  void shouldReportOutOfRangeIdsAndMissingFieldsWithTheirLineNumbers() throws IOException {
    Path output = dir.resolve("out.jsonl");
    Path badIds = dir.resolve("ids.jsonl");
    Files.writeString(badIds, "{\"id\": \"x\", \"input_ids\": [50281, 99999, 50282]}\n");
    assertThat(
            encode(
                "encode",
                "--model",
                Fixtures.TINY_CLASSIFIER.toString(),
                "--input",
                badIds.toString(),
                "--output",
                output.toString()))
        .isEqualTo(1);
    assertThat(stderr.toString()).contains("input line 1").contains("99999");

    Path noId = dir.resolve("noid.jsonl");
    Files.writeString(noId, "\n\n{\"text\": \"no id\"}\n");
    assertThat(
            encode(
                "encode",
                "--model",
                Fixtures.TINY_CLASSIFIER.toString(),
                "--input",
                noId.toString(),
                "--output",
                output.toString()))
        .isEqualTo(1);
    assertThat(stderr.toString()).contains("input line 3").contains("missing \"id\"");
  }

  @Test
  void shouldExitNonZeroWithTheLoadingErrorOfABrokenModel() throws IOException {
    Path model = BrokenModels.tinyCopy(dir.resolve("model"));
    BrokenModels.editWeights(
        model,
        (tensors, shapes) -> {
          tensors.remove("model.layers.4.attn.Wqkv.weight");
          shapes.remove("model.layers.4.attn.Wqkv.weight");
        });
    Path input = dir.resolve("in.jsonl");
    Files.writeString(input, "{\"id\": 1, \"text\": \"hello\"}\n");

    int exit =
        encode(
            "encode",
            "--model",
            model.toString(),
            "--input",
            input.toString(),
            "--output",
            dir.resolve("out.jsonl").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(stderr.toString()).contains("missing tensor 'model.layers.4.attn.Wqkv.weight'");
  }

  @Test
  void shouldAnswerUsageErrorsWithExitCodeTwo() {
    assertThat(encode("encode", "--input", "x.jsonl")).isEqualTo(2);
    assertThat(stderr.toString()).contains("--model");
  }
}
