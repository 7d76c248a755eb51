package io.modernbert.stream.e2e;

import io.modernbert.stream.broker.EmbeddedKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-to-end scenario against Apache Kafka's own KRaft broker, in this JVM. */
class EmbeddedBrokerEndToEndIntegrationTest {
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

  @Test
  void shouldEmitExactlyOneEmbeddingAndOneLabelsRecordPerDocument(@TempDir Path stateDir)
      throws Exception {
    EndToEndScenario.run(kafka.bootstrapServers(), stateDir, "embedded");
  }
}
