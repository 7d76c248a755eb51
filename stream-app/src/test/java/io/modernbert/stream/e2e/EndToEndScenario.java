package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * 1,000 documents through the running application against a real broker (whichever the caller
 * started): exactly one embedding and one labels record per id, read with read_committed, and the
 * known sentences labelled right. Prints throughput, latency and padding waste.
 */
final class EndToEndScenario {
  static final int DOCUMENTS = 1000;

  private EndToEndScenario() {}

  static void run(String bootstrapServers, Path stateDir, String name) throws Exception {
    AppConfig config =
        AppConfig.defaults(bootstrapServers, StreamFixtures.LANGID_MODEL)
            .withApplicationId("e2e-" + name)
            .withTopics(
                new AppConfig.TopicNames(
                    name + "-documents",
                    name + "-embeddings",
                    name + "-labels",
                    name + "-dead-letters"))
            .withEngine(StreamFixtures.engineOptions())
            .withStateDir(stateDir);
    Map<String, String> documents = LoadGenerator.documents(DOCUMENTS, 42);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamApp app = StreamApp.start(config, meters, 2, Duration.ofMinutes(2));
        OutputReader reader =
            new OutputReader(
                bootstrapServers, config.topics().embeddings(), config.topics().labels())) {
      long start = System.nanoTime();
      LoadGenerator.send(bootstrapServers, config.topics().documents(), documents, 0);
      // Bad input after the good: it must reach the dead-letter topic, committed, under
      // exactly-once.
      LoadGenerator.sendRaw(
          bootstrapServers, config.topics().documents(), Map.of("bad-junk", new byte[] {1, 2, 3}));
      reader.readUntil(DOCUMENTS, Duration.ofMinutes(3));
      double seconds = (System.nanoTime() - start) / 1e9;
      reader.drain(Duration.ofSeconds(2));

      assertExactlyOnce(reader, documents.keySet());
      assertKnownLanguages(reader);
      assertThat(
              DeadLetters.read(
                  bootstrapServers, config.topics().deadLetters(), 1, Duration.ofSeconds(30)))
          .extracting(letter -> letter.getReason().name() + " " + letter.getSourceTopic())
          .containsExactly("UNDECODABLE " + config.topics().documents());
      Timer latency = meters.get("modernbert.end.to.end.latency").timer();
      long tokens = reader.embeddingRecords.stream().mapToLong(r -> r.value().getTokens()).sum();
      System.out.printf(
          Locale.ROOT,
          "E2E %s: %d documents, %d tokens in %.1f s: %.0f documents/s, %.0f tokens/s; end-to-end latency p50 %s p99 %s;"
              + " padding waste %.1f%%; %d batches%n",
          name,
          DOCUMENTS,
          tokens,
          seconds,
          DOCUMENTS / seconds,
          tokens / seconds,
          percentile(latency, 0.5),
          percentile(latency, 0.99),
          100 * app.metrics().paddingWasteSoFar(),
          (long) meters.get("modernbert.batches").counter().count());
    }
  }

  static void assertExactlyOnce(OutputReader reader, Set<String> ids) {
    assertThat(reader.embeddingRecords).hasSize(ids.size());
    assertThat(reader.labelRecords).hasSize(ids.size());
    assertThat(
            reader.embeddingRecords.stream().map(ConsumerRecord::key).collect(Collectors.toSet()))
        .isEqualTo(ids);
    assertThat(reader.labelRecords.stream().map(ConsumerRecord::key).collect(Collectors.toSet()))
        .isEqualTo(ids);
    for (ConsumerRecord<String, Embedding> record : reader.embeddingRecords) {
      assertThat(record.value().getId()).isEqualTo(record.key());
      assertThat(record.value().getDimensions()).isEqualTo(128);
    }
  }

  static void assertKnownLanguages(OutputReader reader) {
    Map<String, String> predicted =
        reader.labelRecords.stream()
            .filter(r -> LoadGenerator.KNOWN.containsKey(r.key()))
            .collect(Collectors.toMap(ConsumerRecord::key, r -> top(r.value())));
    assertThat(predicted)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("known-fr", "fr", "known-ja", "ja", "known-de", "de", "known-ru", "ru"));
  }

  private static String top(Labels labels) {
    return labels.getLabels().get(0).getLabel();
  }

  private static String percentile(Timer timer, double percentile) {
    for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
      if (value.percentile() == percentile) {
        return String.format(Locale.ROOT, "%.0f ms", value.value(TimeUnit.MILLISECONDS));
      }
    }
    return "n/a";
  }
}
