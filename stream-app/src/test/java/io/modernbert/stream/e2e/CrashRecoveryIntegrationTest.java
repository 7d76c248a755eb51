package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.StreamMain;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application runs in its own JVM, with product defaults (warm-up, session timeout), and is
 * killed with SIGKILL 12 times while 3,000 documents arrive, each time with documents queued and
 * running in its batch scheduler, and started again on the same state folder; RocksDB's write
 * buffers are 64 KiB and transactions last 2 s, so writes of aborted transactions reach disk
 * ({@link SmallWriteBuffers}). read_committed consumers still see exactly one embedding and one
 * labels record per document. On Kafka Streams 4.2.1 (KAFKA-20685) this test saw duplicates. Each
 * restart must produce its first new output within 15 s of the kill: static membership gives the
 * tasks back at once.
 */
class CrashRecoveryIntegrationTest {
  private static final String NAME = "crash";

  /** Documents per run; {@code -Dmodernbert.crash.documents=N} for a longer one. */
  private static final int DOCUMENTS = Integer.getInteger("modernbert.crash.documents", 3000);

  /** Kills per run; {@code -Dmodernbert.crash.kills=N} for a longer loop. */
  private static final int KILLS = Integer.getInteger("modernbert.crash.kills", 12);

  /** Kill -9 to the first new output, with the default model and default settings. */
  private static final Duration RESTART_LIMIT = Duration.ofSeconds(15);

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
  void shouldLoseAndDuplicateNothingWhenTheProcessIsKilledMidRun(@TempDir Path work)
      throws Exception {
    AppConfig config =
        AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
            .withTopics(
                new AppConfig.TopicNames(
                    NAME + "-documents",
                    NAME + "-embeddings",
                    NAME + "-labels",
                    NAME + "-dead-letters"));
    StreamApp.createTopics(config, 2);
    Map<String, String> documents = LoadGenerator.documents(DOCUMENTS, 7);

    try (OutputReader reader =
        new OutputReader(
            kafka.bootstrapServers(), config.topics().embeddings(), config.topics().labels())) {
      // Produced while the application runs and dies, so that every aborted transaction holds store
      // puts.
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  LoadGenerator.send(
                      kafka.bootstrapServers(), config.topics().documents(), documents, 10);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      List<Duration> restarts = new ArrayList<>();
      Instant killedAt = null;
      for (int kill = 1; kill <= KILLS; kill++) {
        Process running = startApplication(work, "run-" + kill);
        if (killedAt != null) {
          restarts.add(firstOutputAfter(reader, killedAt));
        }
        int target = kill * DOCUMENTS / (KILLS + 2);
        reader.readUntil(target, Duration.ofMinutes(3));
        killedAt = Instant.now();
        running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int seen = reader.embeddingRecords.size();
        System.out.printf("CRASH kill %d: SIGKILL after %d committed embeddings%n", kill, seen);
        assertThat(seen).as("killed mid-run").isBetween(target, DOCUMENTS - 1);
      }
      Process last = startApplication(work, "last");
      try {
        restarts.add(firstOutputAfter(reader, killedAt));
        System.out.printf(
            "CRASH kill -9 to first new output: %s%n",
            restarts.stream()
                .map(d -> String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0))
                .toList());
        assertThat(restarts)
            .allSatisfy(restart -> assertThat(restart).isLessThanOrEqualTo(RESTART_LIMIT));
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

  /**
   * Time from {@code killedAt} to the first output the restarted application processed (its
   * processedAt).
   */
  private static Duration firstOutputAfter(OutputReader reader, Instant killedAt) {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Instant> first =
          reader.embeddingRecords.stream()
              .map(r -> r.value().getProcessedAt())
              .filter(at -> at.isAfter(killedAt))
              .min(Instant::compareTo);
      if (first.isPresent()) {
        return Duration.between(killedAt, first.get());
      }
      reader.readUntil(reader.embeddingRecords.size() + 1, Duration.ofMillis(200));
    }
    throw new AssertionError("no output within 3 minutes of the kill");
  }

  /** Starts {@code modernbert-stream run} in a child JVM and waits until it says it is running. */
  private Process startApplication(Path work, String name)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            java,
            "-Xmx1g",
            "-cp",
            System.getProperty("java.class.path"),
            StreamMain.class.getName(),
            "run",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
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
            "--threads",
            "2",
            "--http-port",
            "-1",
            "--streams-config",
            "rocksdb.config.setter=" + SmallWriteBuffers.class.getName(),
            // Transactions of 2 s instead of 25 ms: many uncommitted store writes reach disk before
            // each kill.
            "--streams-config",
            "commit.interval.ms=2000");
    Process process =
        new ProcessBuilder(command).redirectError(work.resolve(name + ".log").toFile()).start();
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
              } catch (IOException e) {
                // the process was killed: its output ends here
              }
            },
            "app-" + name + "-stdout");
    output.setDaemon(true);
    output.start();
    if (!running.await(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "the " + name + " application did not start; see " + work.resolve(name + ".log"));
    }
    return process;
  }
}
