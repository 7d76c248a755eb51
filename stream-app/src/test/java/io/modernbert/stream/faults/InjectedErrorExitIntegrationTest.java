package io.modernbert.stream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import io.modernbert.stream.ErrorInjectingMain;
import io.modernbert.stream.InjectedErrorInterceptor;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An {@link Error} that nothing can contain, on the scheduler's thread or on a stream thread, stops
 * {@code run} and {@code demo} alike with a non-zero exit code and a line saying why, within 10 s
 * of the document that triggers it: never a process that stays up with a dead thread.
 */
class InjectedErrorExitIntegrationTest {
  private static final Pattern DEMO_BROKER = Pattern.compile("broker\\s+(127\\.0\\.0\\.1:\\d+)");

  @TempDir Path work;

  @ParameterizedTest(name = "{0}, error on the {1}")
  @CsvSource({"run,scheduler", "run,stream-thread", "demo,scheduler", "demo,stream-thread"})
  void shouldExitNonZeroWithinTenSeconds(String command, String where) throws Exception {
    EmbeddedKafka kafka = command.equals("run") ? EmbeddedKafka.start(work.resolve("kafka")) : null;
    try {
      List<String> args = new ArrayList<>(List.of(command, where));
      if (kafka != null) {
        kafka.createTopics(
            Map.of("documents", 1, "embeddings", 1, "labels", 1, "documents-dead-letters", 1));
        args.addAll(
            List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--model",
                StreamFixtures.LANGID_MODEL.toString(),
                "--state-dir",
                work.resolve("state").toString(),
                "--http-port",
                "-1",
                "--no-warmup",
                "--threads",
                "2"));
      } else {
        args.addAll(
            List.of(
                "--data-dir", work.resolve("demo").toString(),
                "--model", StreamFixtures.LANGID_MODEL.toString(),
                "--kafka-port", "0",
                "--port", "0",
                "--threads", "2"));
      }
      Path log = work.resolve("service.log");
      Process process = start(args, log);
      try {
        String bootstrap =
            kafka != null ? kafka.bootstrapServers() : awaitLine(process, DEMO_BROKER, log);
        if (kafka != null) {
          awaitLine(process, Pattern.compile("RUNNING"), log);
        }
        long sent = System.nanoTime();
        send(bootstrap, InjectedErrorInterceptor.TRIGGER);

        assertThat(process.waitFor(10, TimeUnit.SECONDS))
            .as("exited within 10 s of the trigger; see " + log)
            .isTrue();
        double seconds = (System.nanoTime() - sent) / 1e9;
        System.out.printf(
            "%s, error on the %s: exit %d after %.1f s%n",
            command, where, process.exitValue(), seconds);
        assertThat(process.exitValue()).isEqualTo(70);
        assertThat(Files.readString(log))
            .contains("injected error on")
            .contains("stopping with exit code 70");
      } finally {
        process.destroyForcibly();
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  private static Process start(List<String> args, Path log) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                ErrorInjectingMain.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectError(log.toFile()).start();
  }

  /** The first group of the first stdout line that matches, waiting up to 2 minutes. */
  private static String awaitLine(Process process, Pattern pattern, Path log) throws Exception {
    CompletableFuture<String> found = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  Matcher matcher = pattern.matcher(line);
                  if (matcher.find()) {
                    found.complete(matcher.groupCount() > 0 ? matcher.group(1) : line);
                  }
                }
              } catch (java.io.IOException e) {
                // the process ended
              }
              found.completeExceptionally(
                  new IllegalStateException("no line " + pattern + "; see " + log));
            });
    reader.setDaemon(true);
    reader.start();
    return found.get(2, TimeUnit.MINUTES);
  }

  private static void send(String bootstrapServers, String id) throws Exception {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  "documents",
                  id,
                  AvroSerdes.DOCUMENT.encode(
                      Document.newBuilder()
                          .setId(id)
                          .setText("Ce texte déclenche une erreur.")
                          .build())))
          .get(30, TimeUnit.SECONDS);
    }
  }
}
