package io.modernbert.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The loop {@code encode} runs, called from outside as {@code load --engine-compare} calls it. */
class EncodeLoopTest {
  private static final String INPUT =
      """
      {"id": "a", "text": "The market rallied as the central bank held rates."}
      {"id": 7, "text": "Le marché a progressé."}
      {"id": "c", "text": ""}
      """;

  @Test
  void shouldWriteWhatEncodeWritesAndCountWhatItEncoded(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("in.jsonl");
    Path output = dir.resolve("out.jsonl");
    Files.writeString(input, INPUT);
    StringWriter stderr = new StringWriter();
    int exit =
        ModernBertCli.run(
            new PrintWriter(stderr, true),
            "encode",
            "--model",
            Fixtures.TINY_CLASSIFIER.toString(),
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--threads",
            "2",
            "--no-warmup");
    assertThat(exit).as(stderr.toString()).isZero();

    StringWriter written = new StringWriter();
    EncodeLoop.Totals totals;
    try (InferenceEngine engine =
        InferenceEngine.load(Fixtures.TINY_CLASSIFIER, Fixtures.testOptions())) {
      totals =
          new EncodeLoop(engine, false, false, 0)
              .run(
                  new BufferedReader(new StringReader(INPUT)),
                  written,
                  new PrintWriter(new StringWriter()));
    }

    List<String> lines = written.toString().lines().toList();
    assertThat(lines).containsExactlyElementsOf(Files.readAllLines(output));
    assertThat(totals.documents()).isEqualTo(3);
    assertThat(totals.tokens())
        .as("the tokens fields written")
        .isEqualTo(
            lines.stream()
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*\"tokens\":(\\d+),.*", "$1")))
                .sum());
    assertThat(totals.seconds()).isPositive();
    assertThat(totals.documentsPerSecond()).isEqualTo(3 / totals.seconds());
  }

  @Test
  void shouldBuildTheEngineOptionsFromEncodesFlags() {
    EngineFlags flags = new EngineFlags();
    new CommandLine(flags).parseArgs("--precision", "BF16", "--no-warmup");

    EngineOptions options = EncodeLoop.engineOptions(flags, 512, true, 2);

    assertThat(options.precision().name()).isEqualTo("BF16");
    assertThat(options.warmup()).isFalse();
    assertThat(options.maxTokens()).isEqualTo(512);
    assertThat(options.normalize()).isTrue();
    assertThat(options.threads()).isEqualTo(2);
  }
}
