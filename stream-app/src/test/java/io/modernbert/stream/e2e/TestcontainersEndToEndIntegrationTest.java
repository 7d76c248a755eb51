package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end scenario against Apache Kafka in a container, of the project's Kafka version.
 *
 * <p>The image is {@code apache/kafka:<kafka.version>}, or {@code MODERNBERT_KAFKA_IMAGE}: machines
 * without a registry build a substitute from Apache Kafka's jars ({@code
 * deploy/local/docker-engine.sh}, which CI runs). Without a Docker engine the test is skipped,
 * unless {@code MODERNBERT_REQUIRE_DOCKER=true} (CI), where a missing engine is a failure, never a
 * skip.
 */
class TestcontainersEndToEndIntegrationTest {
  private static KafkaContainer kafka;

  @BeforeAll
  static void startKafka() {
    boolean docker = DockerClientFactory.instance().isDockerAvailable();
    if (Boolean.parseBoolean(System.getenv("MODERNBERT_REQUIRE_DOCKER"))) {
      assertThat(docker).as("MODERNBERT_REQUIRE_DOCKER=true but no Docker engine answers").isTrue();
    }
    Assumptions.assumeTrue(docker, "no Docker engine (deploy/local/docker-engine.sh starts one)");
    kafka = new KafkaContainer(kafkaImage());
    kafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  static DockerImageName kafkaImage() {
    String version = System.getProperty("kafka.version");
    assertThat(version)
        .as("the build passes the project's Kafka version as -Dkafka.version")
        .isNotBlank();
    String image =
        System.getenv().getOrDefault("MODERNBERT_KAFKA_IMAGE", "apache/kafka:" + version);
    return DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka");
  }

  @Test
  void shouldEmitExactlyOneEmbeddingAndOneLabelsRecordPerDocument(@TempDir Path stateDir)
      throws Exception {
    assertThat(kafka.getDockerImageName()).endsWith(":" + System.getProperty("kafka.version"));
    EndToEndScenario.run(kafka.getBootstrapServers(), stateDir, "container");
  }
}
