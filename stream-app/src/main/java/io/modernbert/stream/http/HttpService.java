package io.modernbert.stream.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/** The HTTP side of a running application: the ingestion publisher and the Vert.x server. */
public final class HttpService implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final DocumentPublisher publisher;

  private HttpService(Vertx vertx, HttpServer server, DocumentPublisher publisher) {
    this.vertx = vertx;
    this.server = server;
    this.publisher = publisher;
  }

  /**
   * Serves {@code /v1/documents}, {@code /embed}, {@code /predict} and the rest on {@code port}.
   */
  public static HttpService start(
      StreamApp app,
      AppConfig config,
      PrometheusMeterRegistry meters,
      int port,
      HttpLimits limits,
      Duration timeout)
      throws Exception {
    DocumentPublisher publisher =
        new DocumentPublisher(
            config.kafka(), config.topics().documents(), config.groupInstanceId());
    Vertx vertx = Vertx.vertx();
    IngestionApi api =
        new IngestionApi(
            publisher,
            app.scheduler(),
            timeout,
            limits,
            () ->
                app.streams().state() == KafkaStreams.State.RUNNING
                    && app.scheduler().warm()
                    && app.scheduler().running()
                    && publisher.healthy(),
            meters);
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(api.router(vertx))
            .listen(port)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    return new HttpService(vertx, server, publisher);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    // In order, each awaited: no new requests, then the requests in flight, then the producer.
    try {
      server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      org.slf4j.LoggerFactory.getLogger(HttpService.class)
          .warn("HTTP server did not stop cleanly: {}", e.toString());
    }
    publisher.close();
  }
}
