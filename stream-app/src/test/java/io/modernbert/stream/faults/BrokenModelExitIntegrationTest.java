package io.modernbert.stream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import io.modernbert.stream.BrokenModelMain;
import io.modernbert.stream.ReadCommitted;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that does not run at all makes {@code modernbert-stream run} exit with code 70 and a line
 * saying why, rather than loop or dead-letter good documents; the document it could not encode
 * stays pending, and a healthy instance on the same state folder encodes it.
 */
class BrokenModelExitIntegrationTest {
  private static final String NAME = "broken";

  @TempDir Path work;

  @Test
  void shouldExitNonZeroAndLoseNothingWhenTheModelDoesNotRun() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
      AppConfig config = config(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL);
      StreamApp.createTopics(config, 1);
      Process broken = start(kafka.bootstrapServers());
      send(kafka.bootstrapServers(), "stays-pending", "Ce document attend un modèle qui marche.");

      assertThat(broken.waitFor(2, TimeUnit.MINUTES)).as("exited").isTrue();
      assertThat(broken.exitValue()).isEqualTo(70);
      assertThat(Files.readString(work.resolve("broken.log"))).contains("the model does not run");

      try (StreamApp healthy =
          StreamApp.start(config, new SimpleMeterRegistry(), 1, Duration.ofMinutes(2))) {
        assertThat(read(kafka.bootstrapServers(), NAME + "-embeddings", Duration.ofSeconds(60)))
            .containsExactly("stays-pending");
        assertThat(read(kafka.bootstrapServers(), NAME + "-dead-letters", Duration.ofSeconds(3)))
            .isEmpty();
      }
    }
  }

  /**
   * The model loads while Kafka Streams joins its group (the processors wait for it): a model that
   * cannot load fails the start at once with the loader's own message, and leaves nothing behind
   * that keeps a healthy instance on the same state folder from starting.
   */
  @Test
  void shouldFailTheStartWithTheLoadErrorWhenTheModelCannotLoad() throws Exception {
    Path unloadable = work.resolve("unloadable-model");
    Files.createDirectories(unloadable);
    try (var files = Files.list(StreamFixtures.LANGID_MODEL)) {
      for (Path file : files.toList()) {
        if (!file.getFileName().toString().equals("model.safetensors")) {
          Files.copy(file, unloadable.resolve(file.getFileName()));
        }
      }
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
      AppConfig healthy = config(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL);
      AppConfig broken = config(kafka.bootstrapServers(), unloadable);
      StreamApp.createTopics(healthy, 1);
      send(kafka.bootstrapServers(), "after-the-failed-start", "Dieses Dokument wartet.");

      long start = System.nanoTime();
      assertThatThrownBy(
              () -> StreamApp.start(broken, new SimpleMeterRegistry(), 1, Duration.ofMinutes(5)))
          .hasMessageContaining(unloadable.toString())
          .hasMessageContaining("model.safetensors");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("failed at once, not after the start timeout")
          .isLessThan(Duration.ofSeconds(60));

      try (StreamApp app =
          StreamApp.start(healthy, new SimpleMeterRegistry(), 1, Duration.ofMinutes(2))) {
        assertThat(read(kafka.bootstrapServers(), NAME + "-embeddings", Duration.ofSeconds(60)))
            .containsExactly("after-the-failed-start");
      }
    }
  }

  private AppConfig config(String bootstrapServers, Path model) {
    return AppConfig.defaults(bootstrapServers, model)
        .withApplicationId("e2e-" + NAME)
        .withStateDir(work.resolve("state"))
        .withEngine(StreamFixtures.engineOptions())
        .withTopics(
            new AppConfig.TopicNames(
                NAME + "-documents",
                NAME + "-embeddings",
                NAME + "-labels",
                NAME + "-dead-letters"));
  }

  private Process start(String bootstrapServers) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                BrokenModelMain.class.getName(),
                "--bootstrap-servers",
                bootstrapServers,
                "--model",
                StreamFixtures.LANGID_MODEL.toString(),
                "--application-id",
                "e2e-" + NAME,
                "--state-dir",
                work.resolve("state").toString(),
                "--documents-topic",
                NAME + "-documents",
                "--embeddings-topic",
                NAME + "-embeddings",
                "--labels-topic",
                NAME + "-labels",
                "--dead-letter-topic",
                NAME + "-dead-letters",
                "--no-warmup",
                "--threads",
                "2",
                "--http-port",
                "-1")
            .redirectError(work.resolve("broken.log").toFile())
            .start();
    CountDownLatch running = new CountDownLatch(1);
    Thread output =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.contains("RUNNING")) {
                    running.countDown();
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    output.setDaemon(true);
    output.start();
    assertThat(running.await(2, TimeUnit.MINUTES))
        .as("the application started; see " + work.resolve("broken.log"))
        .isTrue();
    return process;
  }

  private static void send(String bootstrapServers, String id, String text) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  NAME + "-documents",
                  id,
                  AvroSerdes.DOCUMENT.encode(
                      Document.newBuilder().setId(id).setText(text).build())))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** The keys on {@code topic}, read_committed. */
  private static List<String> read(String bootstrapServers, String topic, Duration wait) {
    return ReadCommitted.records(bootstrapServers, topic, 1, wait).stream()
        .map(record -> record.key())
        .toList();
  }
}
