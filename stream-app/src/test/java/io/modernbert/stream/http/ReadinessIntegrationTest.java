package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} follows what the service can do: false while the model warms up, true once Kafka
 * Streams runs and the serving shapes have run (the larger ones run later, while idle), false again
 * when the scheduler stops (as after a model that fails on everything). {@code /health} is true
 * while the service's threads run, and false once the scheduler no longer runs: the instance cannot
 * serve again without a restart.
 */
class ReadinessIntegrationTest {
  @TempDir Path dataDir;

  @Test
  void shouldBeReadyOnlyWhileTheTopologyAndTheSchedulerRun() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"))) {
      AppConfig config =
          AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
              .withApplicationId("readiness")
              .withEngine(StreamFixtures.engineOptions().withWarmup(true))
              .withStateDir(dataDir.resolve("state"));
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (StreamApp app = StreamApp.start(config, meters, 1, Duration.ofMinutes(2));
          HttpService http =
              HttpService.start(
                  app,
                  config,
                  meters,
                  io.modernbert.stream.http.HttpSettings.loopback(0),
                  HttpLimits.defaults(),
                  Duration.ofSeconds(30))) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (status(http, "/ready") != 200 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(app.scheduler().warm()).isTrue();
        InferenceEngine engine = app.scheduler().engine();
        assertThat(engine.servingShapes())
            .allSatisfy(shape -> assertThat(engine.hasRun(shape)).isTrue());
        assertThat(status(http, "/ready")).isEqualTo(200);
        assertThat(status(http, "/health")).isEqualTo(200);

        app.scheduler().close();

        assertThat(status(http, "/ready")).isEqualTo(503);
        assertThat(status(http, "/health")).isEqualTo(503);
      }
    }
  }

  private static int status(HttpService http, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
