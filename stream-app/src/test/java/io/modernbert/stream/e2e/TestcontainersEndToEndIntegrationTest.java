package io.modernbert.stream.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same end-to-end scenario against Apache Kafka in a container. Needs a Docker engine: where
 * there is none (as on our build machines) JUnit reports it disabled.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersEndToEndIntegrationTest {
  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  @Test
  void shouldEmitExactlyOneEmbeddingAndOneLabelsRecordPerDocument(@TempDir Path stateDir) throws Exception {
    EndToEndScenario.run(KAFKA.getBootstrapServers(), stateDir, "container");
  }
}
