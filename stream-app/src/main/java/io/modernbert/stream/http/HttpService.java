package io.modernbert.stream.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a running application: the ingestion publisher, the Vert.x server of the API
 * and, when asked, a second server for {@code /metrics} alone.
 */
public final class HttpService implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;
  private final HttpServer metricsServer;
  private final DocumentPublisher publisher;

  private HttpService(
      Vertx vertx, HttpServer server, HttpServer metricsServer, DocumentPublisher publisher) {
    this.vertx = vertx;
    this.server = server;
    this.metricsServer = metricsServer;
    this.publisher = publisher;
  }

  /**
   * Serves {@code /v1/documents}, {@code /embed}, {@code /predict} and the rest as {@code settings}
   * say. Refuses (IllegalArgumentException) to serve an open API beyond loopback.
   */
  public static HttpService start(
      StreamApp app,
      AppConfig config,
      PrometheusMeterRegistry meters,
      HttpSettings settings,
      HttpLimits limits,
      Duration timeout)
      throws Exception {
    settings.validate();
    DocumentPublisher publisher =
        new DocumentPublisher(
            config.kafka(), config.topics().documents(), config.groupInstanceId());
    IngestionApi api =
        new IngestionApi(
            publisher,
            app.scheduler(),
            timeout,
            limits,
            settings,
            () ->
                app.streams().state() == KafkaStreams.State.RUNNING
                    && app.scheduler().warm()
                    && app.scheduler().running()
                    && publisher.healthy(),
            meters);
    api.liveness(
        () ->
            !app.fatalFailure().isDone()
                && app.scheduler().running()
                && app.streams().state() != KafkaStreams.State.ERROR
                && app.streams().state() != KafkaStreams.State.PENDING_ERROR);
    try {
      return serve(Vertx.vertx(), api, settings, meters, publisher);
    } catch (Exception e) {
      publisher.close();
      throw e;
    }
  }

  /**
   * Serves {@code api} on a Vert.x instance this service then owns (closes). {@code publisher}, if
   * not null, is closed after the servers.
   */
  static HttpService serve(
      Vertx vertx,
      IngestionApi api,
      HttpSettings settings,
      PrometheusMeterRegistry meters,
      DocumentPublisher publisher)
      throws Exception {
    settings.validate();
    try {
      settings.keys().watch(vertx);
      HttpServer server = listen(vertx, settings, settings.port(), api.router(vertx));
      HttpServer metricsServer = null;
      if (settings.separateMetrics()) {
        Router metrics = Router.router(vertx);
        metrics.get("/metrics").handler(ctx -> IngestionApi.metrics(ctx, meters));
        metricsServer = listen(vertx, settings, settings.metricsPort(), metrics);
      }
      return new HttpService(vertx, server, metricsServer, publisher);
    } catch (Exception e) {
      await(vertx.close());
      throw e;
    }
  }

  private static HttpServer listen(Vertx vertx, HttpSettings settings, int port, Router router)
      throws Exception {
    HttpServer server = vertx.createHttpServer(settings.serverOptions(port));
    // A connection must send its first request's headers within the read timeout: the idle
    // timeout alone lets a client that sends one header byte now and then hold it for hours.
    Set<HttpConnection> requested = ConcurrentHashMap.newKeySet();
    server.connectionHandler(
        connection -> {
          long timer =
              vertx.setTimer(
                  settings.readTimeout().toMillis(),
                  fired -> {
                    if (!requested.contains(connection)) {
                      connection.close();
                    }
                  });
          connection.closeHandler(
              closed -> {
                vertx.cancelTimer(timer);
                requested.remove(connection);
              });
        });
    server.requestHandler(
        request -> {
          requested.add(request.connection());
          router.handle(request);
        });
    return await(server.listen());
  }

  public int port() {
    return server.actualPort();
  }

  /** The port of {@code /metrics}, or -1 when it is served on {@link #port()}. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  @Override
  public void close() {
    // In order, each awaited: no new requests, then the requests in flight, then the producer.
    try {
      if (metricsServer != null) {
        await(metricsServer.close());
      }
      await(server.close());
      await(vertx.close());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LoggerFactory.getLogger(HttpService.class)
          .warn("HTTP server did not stop cleanly: {}", e.toString());
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  private static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
