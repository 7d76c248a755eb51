package io.modernbert.stream;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.model.engine.EngineOptions;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.broker.EmbeddedKafkaOptions;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.http.HttpLimits;
import io.modernbert.stream.http.HttpService;
import io.modernbert.stream.http.HttpSettings;
import io.modernbert.stream.scheduler.PassRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: everything in one process on this machine: a single-node KRaft broker (Apache
 * Kafka's own server classes, data under {@code --data-dir}), the topology with the default model,
 * and the HTTP API. Ctrl-C stops it all cleanly, in reverse order.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run broker, topology and HTTP API in one process, with the default model.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "data/demo",
      description = "Broker and state data (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--model", description = "Model folder (default: models/langid-modernbert).")
  Path model;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "HTTP port (default ${DEFAULT-VALUE}).")
  int httpPort;

  @Mixin HttpFlags httpFlags;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int kafkaPort;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "TensorFlow threads (default: all cores).")
  int threads;

  /** Wraps the model's pass; the identity in production (tests inject failures here). */
  UnaryOperator<PassRunner> passRunner = UnaryOperator.identity();

  /** Adjusts the configuration; the identity in production (tests inject failures here). */
  UnaryOperator<AppConfig> configOverride = UnaryOperator.identity();

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("modernbert.home", ".")).toAbsolutePath().normalize();
    Path modelDir = model != null ? model : home.resolve("models/langid-modernbert");
    Path data = dataDir.isAbsolute() ? dataDir : home.resolve(dataDir);
    ServiceLifecycle lifecycle = new ServiceLifecycle(System.err);
    try {
      EmbeddedKafka kafka =
          lifecycle.started(
              EmbeddedKafka.start(
                  data.resolve("kafka"), EmbeddedKafkaOptions.defaults().withPort(kafkaPort)));
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      AppConfig config =
          configOverride.apply(
              AppConfig.defaults(kafka.bootstrapServers(), modelDir)
                  .withEngine(EngineOptions.defaults().withThreads(threads))
                  .withStateDir(data.resolve("streams")));
      StreamApp app =
          lifecycle.started(
              StreamApp.start(
                  config, meters, 1, Optional.empty(), Duration.ofMinutes(5), passRunner));
      lifecycle.watch(app);
      HttpService http =
          lifecycle.started(
              HttpService.start(
                  app,
                  config,
                  meters,
                  httpFlags.settings(httpPort, HttpSettings.LOOPBACK),
                  HttpLimits.defaults(),
                  Duration.ofSeconds(30)));
      printWelcome(kafka.bootstrapServers(), modelDir, http.port());
    } catch (Exception e) {
      lifecycle.closeAll(); // a failed start leaves no broker behind
      throw e;
    }
    return lifecycle.awaitStop();
  }

  private static void printWelcome(String bootstrapServers, Path modelDir, int httpPort) {
    String url = "http://localhost:" + httpPort;
    System.out.printf(
        """
        modernbert-stream demo is ready.
          broker     %s (topics: documents, embeddings, labels, documents-dead-letters)
          model      %s
          HTTP       %s/v1/documents  %s/embed  %s/predict  %s/health  %s/ready  %s/metrics
        Try:
          curl -s -X POST %s/v1/documents -H 'content-type: application/json' -d '{"id":"doc-1","text":"Impossible d'"'"'ouvrir le fichier."}'
          curl -s -X POST %s/predict -H 'content-type: application/json' -d '{"inputs":"Die Datei wurde nicht gefunden."}'
          bin/modernbert-stream tail --bootstrap-servers %s --topic labels
        Ctrl-C stops everything.
        """,
        bootstrapServers, modelDir, url, url, url, url, url, url, url, url, bootstrapServers);
    System.out.flush();
  }
}
