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
 * The application runs in its own JVM and is killed with SIGKILL {@value #KILLS} times while
 * {@value #DOCUMENTS} documents arrive, each time with documents queued and running in
 * its batch scheduler, and started again on the same state folder; RocksDB's write buffers are 64
 * KiB and transactions last 2 s, so writes of aborted transactions reach disk ({@link
 * SmallWriteBuffers}). read_committed
 * consumers still see exactly one embedding and one labels record per document. On Kafka Streams
 * 4.2.1 (KAFKA-20685) this test saw duplicates.
 */
class CrashRecoveryIntegrationTest {
  private static final String NAME = "crash";
  private static final int DOCUMENTS = 3000;
  private static final int KILLS = 4;

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
    Map<String, String> documents = LoadGenerator.documents(DOCUMENTS, 7);

    try (OutputReader reader = new OutputReader(kafka.bootstrapServers(), config.topics().embeddings(), config.topics().labels())) {
      // Produced while the application runs and dies, so that every aborted transaction holds store puts.
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
        try {
          LoadGenerator.send(kafka.bootstrapServers(), config.topics().documents(), documents, 10);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      for (int kill = 1; kill <= KILLS; kill++) {
        Process running = startApplication(work, "run-" + kill);
        int target = kill * DOCUMENTS / (KILLS + 2);
        reader.readUntil(target, Duration.ofMinutes(3));
        running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int seen = reader.embeddingRecords.size();
        System.out.printf("CRASH kill %d: SIGKILL after %d committed embeddings%n", kill, seen);
        assertThat(seen).as("killed mid-run").isBetween(target, DOCUMENTS - 1);
      }
      Process last = startApplication(work, "last");
      try {
        producing.get(5, TimeUnit.MINUTES);
        reader.readUntil(DOCUMENTS, Duration.ofMinutes(5));
        reader.drain(Duration.ofSeconds(3));
      } finally {
        last.destroy();
        last.waitFor(60, TimeUnit.SECONDS);
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
        "--streams-config", "session.timeout.ms=6000",
        "--streams-config", "rocksdb.config.setter=" + SmallWriteBuffers.class.getName(),
        // Transactions of 2 s instead of 25 ms: many uncommitted store writes reach disk before each kill.
        "--streams-config", "commit.interval.ms=2000");
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
