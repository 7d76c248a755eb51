package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the application on one real broker: a second joins in the middle of a burst and
 * the first leaves later, each time with documents queued in the leaving or joining instance's
 * batch scheduler. Tasks move twice; read_committed consumers still see exactly one embedding and
 * one labels record per document.
 */
class RebalanceIntegrationTest {
  private static final String NAME = "rebalance";
  private static final int DOCUMENTS = 2000;

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static AppConfig instance(String name) {
    return AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
        .withApplicationId("e2e-" + NAME)
        .withTopics(
            new AppConfig.TopicNames(
                NAME + "-documents",
                NAME + "-embeddings",
                NAME + "-labels",
                NAME + "-dead-letters"))
        .withEngine(StreamFixtures.engineOptions().withThreads(1))
        .withStateDir(dataDir.resolve("state-" + name));
  }

  @Test
  void shouldEmitEachDocumentOnceWhileInstancesJoinAndLeave() throws Exception {
    StreamApp.createTopics(instance("first"), 6);
    Map<String, String> documents = LoadGenerator.documents(DOCUMENTS, 11);
    try (OutputReader reader =
        new OutputReader(kafka.bootstrapServers(), NAME + "-embeddings", NAME + "-labels")) {
      StreamApp first =
          StreamApp.start(instance("first"), new SimpleMeterRegistry(), 6, Duration.ofMinutes(2));
      LoadGenerator.send(kafka.bootstrapServers(), NAME + "-documents", documents, 0);
      reader.readUntil(DOCUMENTS / 5, Duration.ofMinutes(3));
      System.out.printf(
          "REBALANCE second instance joins after %d embeddings%n", reader.embeddingRecords.size());
      try (StreamApp second =
          StreamApp.start(
              instance("second"), new SimpleMeterRegistry(), 6, Duration.ofMinutes(2))) {
        reader.readUntil(DOCUMENTS / 2, Duration.ofMinutes(3));
        System.out.printf(
            "REBALANCE first instance leaves after %d embeddings%n",
            reader.embeddingRecords.size());
        first.close();
        assertThat(reader.embeddingRecords.size()).as("left mid-run").isLessThan(DOCUMENTS);
        reader.readUntil(DOCUMENTS, Duration.ofMinutes(5));
        reader.drain(Duration.ofSeconds(3));
      } finally {
        first.close();
      }
      EndToEndScenario.assertExactlyOnce(reader, documents.keySet());
      EndToEndScenario.assertKnownLanguages(reader);
    }
  }
}
