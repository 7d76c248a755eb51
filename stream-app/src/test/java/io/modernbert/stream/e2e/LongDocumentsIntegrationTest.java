package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.Windows;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.InputSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --long-documents windows} on the real broker: a 30,000-token document is read whole, and
 * its embedding is the token-weighted mean of its windows' embeddings, each window encoded on its
 * own here; its labels come from the windows' mean logits; the outputs say how many windows.
 */
class LongDocumentsIntegrationTest {
  @Test
  void aLongDocumentIsTheMeanOfItsWindows(@TempDir Path dataDir) throws Exception {
    StringBuilder text = new StringBuilder();
    List<String> sentences = StreamFixtures.sentences();
    try (InferenceEngine engine =
            InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"))) {
      for (int i = 0; engine.tokenizer().encode(text.toString()).originalLength() < 30_000; i++) {
        text.append(sentences.get(i % sentences.size())).append(' ');
      }
      int overlap = 256;
      List<Encoding> windows = Windows.split(engine, text.toString(), overlap);
      assertThat(windows).hasSizeGreaterThanOrEqualTo(4);

      // The expectation: every window encoded alone, then the token-weighted mean.
      int dimensions = 0;
      double[] sum = null;
      double[] logits = null;
      long tokens = 0;
      for (Encoding window : windows) {
        EncodedDocument alone =
            engine.encode(List.of(DocumentInput.ids("w", window.ids())), false).get(0);
        if (sum == null) {
          dimensions = alone.embedding().length;
          sum = new double[dimensions];
          logits = new double[alone.logits().length];
        }
        for (int d = 0; d < dimensions; d++) {
          sum[d] += (double) alone.tokens() * alone.embedding()[d];
        }
        for (int l = 0; l < logits.length; l++) {
          logits[l] += (double) alone.tokens() * alone.logits()[l];
        }
        tokens += alone.tokens();
      }
      boolean normalized = engine.pooling().normalize();
      double norm = 0;
      for (int d = 0; d < dimensions; d++) {
        sum[d] /= tokens;
        norm += sum[d] * sum[d];
      }
      int best = 0;
      for (int l = 1; l < logits.length; l++) {
        best = logits[l] > logits[best] ? l : best;
      }

      AppConfig config =
          AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
              .withApplicationId("long-documents")
              .withEngine(StreamFixtures.engineOptions())
              .withStateDir(dataDir.resolve("state"))
              .withInput(
                  InputSpec.string().withLongDocuments(Windows.LongDocuments.WINDOWS, overlap));
      try (StreamApp app =
          StreamApp.start(config, new SimpleMeterRegistry(), 1, Duration.ofMinutes(2))) {
        LoadGenerator.sendRaw(
            kafka.bootstrapServers(),
            config.topics().documents(),
            Map.of("long-1", text.toString().getBytes(StandardCharsets.UTF_8)));
        List<ConsumerRecord<String, byte[]>> embeddings =
            ReadCommitted.records(
                kafka.bootstrapServers(), config.topics().embeddings(), 1, Duration.ofMinutes(2));
        List<ConsumerRecord<String, byte[]>> labels =
            ReadCommitted.records(
                kafka.bootstrapServers(), config.topics().labels(), 1, Duration.ofSeconds(30));
        assertThat(embeddings).hasSize(1);
        assertThat(labels).hasSize(1);
        Embedding embedding = AvroSerdes.EMBEDDING.decode(embeddings.get(0).value());
        assertThat(embedding.getWindows()).isEqualTo(windows.size());
        assertThat(embedding.getTruncated()).isFalse();
        assertThat(embedding.getTokens()).isEqualTo((int) tokens);
        double scale = normalized ? 1 / Math.sqrt(norm) : 1;
        for (int d = 0; d < dimensions; d++) {
          assertThat((double) embedding.getVector().get(d))
              .as("dimension " + d)
              .isCloseTo(sum[d] * scale, within(1e-5));
        }
        Labels label = AvroSerdes.LABELS.decode(labels.get(0).value());
        assertThat(label.getWindows()).isEqualTo(windows.size());
        assertThat(label.getLabels().get(0).getLabel()).isEqualTo(engine.config().label(best));
        System.out.printf(
            "LONG document of %d tokens: %d windows (overlap %d), top label %s%n",
            windows.get(0).originalLength(),
            windows.size(),
            overlap,
            label.getLabels().get(0).getLabel());
      }
    }
  }
}
