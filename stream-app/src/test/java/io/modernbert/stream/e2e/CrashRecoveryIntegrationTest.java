package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.StreamMain;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application runs in its own JVM and is killed with SIGKILL in the middle of a 1,000-document
 * run, then started again on the same state folder: read_committed consumers still see exactly one
 * embedding and one labels record per document, nothing lost, nothing duplicated.
 */
class CrashRecoveryIntegrationTest {
  private static final String NAME = "crash";

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
  void shouldLoseAndDuplicateNothingWhenTheProcessIsKilledMidRun(@TempDir Path work) throws Exception {
    AppConfig config = AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
        .withTopics(new AppConfig.TopicNames(NAME + "-documents", NAME + "-embeddings", NAME + "-labels", NAME + "-dead-letters"));
    StreamApp.createTopics(config, 2);
    Map<String, String> documents = LoadGenerator.documents(EndToEndScenario.DOCUMENTS, 7);

    try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), config.topics().embeddings(), config.topics().labels())) {
      Process first = startApplication(work, "first");
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
        try {
          LoadGenerator.send(kafka.bootstrapServers(), config.topics().documents(), documents, 8);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      reader.readUntil(250, Duration.ofMinutes(2));
      int before = reader.embeddingRecords.size();
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      System.out.printf("CRASH killed the application (SIGKILL) after %d committed embeddings%n", before);
      assertThat(before).as("killed mid-run").isBetween(1, EndToEndScenario.DOCUMENTS - 1);

      Process second = startApplication(work, "second");
      try {
        producing.get(2, TimeUnit.MINUTES);
        reader.readUntil(EndToEndScenario.DOCUMENTS, Duration.ofMinutes(3));
        reader.drain(Duration.ofSeconds(3));
      } finally {
        second.destroy();
        second.waitFor(60, TimeUnit.SECONDS);
      }
      EndToEndScenario.assertExactlyOnce(reader, documents.keySet());
      EndToEndScenario.assertKnownLanguages(reader);
    }
  }

  /** Starts {@code modernbert-stream run} in a child JVM and waits until it says it is running. */
  private Process startApplication(Path work, String name) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), StreamMain.class.getName(),
        "run", "--bootstrap-servers", kafka.bootstrapServers(), "--model", StreamFixtures.LANGID_MODEL.toString(),
        "--application-id", "e2e-" + NAME, "--state-dir", work.resolve("state").toString(),
        "--documents-topic", NAME + "-documents", "--embeddings-topic", NAME + "-embeddings",
        "--labels-topic", NAME + "-labels", "--dead-letter-topic", NAME + "-dead-letters",
        "--no-warmup", "--threads", "2", "--http-port", "-1",
        // the killed instance's partitions move on after this, not after the 45 s default
        "--streams-config", "session.timeout.ms=6000");
    Process process = new ProcessBuilder(command)
        .redirectError(work.resolve(name + ".log").toFile())
        .start();
    CountDownLatch running = new CountDownLatch(1);
    Thread output = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.contains("RUNNING")) {
            running.countDown();
          }
        }
      } catch (IOException e) {
        // the process was killed: its output ends here
      }
    }, "app-" + name + "-stdout");
    output.setDaemon(true);
    output.start();
    if (!running.await(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the " + name + " application did not start; see " + work.resolve(name + ".log"));
    }
    return process;
  }
}
