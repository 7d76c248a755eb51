package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.cli.EncodeLoop;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A handful of short documents through the real engine: what is timed, not how fast it is. */
class EngineComparisonTest {
  private static final Path MODEL = Path.of("../models/langid-modernbert");

  @Test
  void shouldEncodeEveryDocumentOfTheRunThroughEncodesLoop() throws Exception {
    List<LoadDocument> documents;
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL, 8192)) {
      documents = DocumentSource.mixed(SentenceCorpus.shipped(tokenizer), new RunIds("e"), 6, 11);
    }
    StringWriter progress = new StringWriter();
    // 2 threads (the machine has 2 cores) and no warm-up: a unit test, not a measurement.
    EngineOptions options = EngineOptions.defaults().withThreads(2).withWarmup(false);

    EncodeLoop.Totals totals =
        EngineComparison.encode(MODEL, options, documents, new PrintWriter(progress, true));

    assertThat(totals.documents()).isEqualTo(6);
    assertThat(totals.tokens())
        .as("the same documents, counted by the engine")
        .isEqualTo(documents.stream().mapToLong(LoadDocument::tokens).sum());
    assertThat(totals.documentsPerSecond()).isPositive().isFinite();
    assertThat(progress.toString()).contains("engine encoded 6 documents");
  }
}
