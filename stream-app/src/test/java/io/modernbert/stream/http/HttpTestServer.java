package io.modernbert.stream.http;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.kafka.KafkaClientConfig;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The in-process broker and the application on the default model, as the other HTTP integration
 * tests start them, plus servers built by {@link HttpService#serve} (so with the product's server
 * options: bind address, timeouts, TLS, metrics port) and a plain JDK client.
 */
final class HttpTestServer implements AutoCloseable {
  final EmbeddedKafka kafka;
  final StreamApp app;
  final DocumentPublisher publisher;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpTestServer(EmbeddedKafka kafka, StreamApp app, DocumentPublisher publisher) {
    this.kafka = kafka;
    this.app = app;
    this.publisher = publisher;
  }

  static HttpTestServer start(Path dataDir, String applicationId) throws InterruptedException {
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
    AppConfig config =
        AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
            .withApplicationId(applicationId)
            .withEngine(StreamFixtures.engineOptions())
            .withStateDir(dataDir.resolve("state"));
    StreamApp app =
        StreamApp.start(
            config,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            1,
            Duration.ofMinutes(2));
    return new HttpTestServer(
        kafka,
        app,
        new DocumentPublisher(
            KafkaClientConfig.of(kafka.bootstrapServers()),
            config.topics().documents(),
            "http-test-" + config.applicationId()));
  }

  HttpService serve(HttpSettings settings, HttpLimits limits) throws Exception {
    return serve(settings, limits, app.scheduler(), publisher);
  }

  static HttpService serve(
      HttpSettings settings,
      HttpLimits limits,
      BatchScheduler scheduler,
      DocumentPublisher publisher)
      throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestionApi api =
        new IngestionApi(
            publisher, scheduler, Duration.ofSeconds(30), limits, settings, () -> true, meters);
    return HttpService.serve(Vertx.vertx(), api, settings, meters, null);
  }

  HttpResponse<String> send(int port, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    publisher.close();
    app.close();
    kafka.close();
  }
}
