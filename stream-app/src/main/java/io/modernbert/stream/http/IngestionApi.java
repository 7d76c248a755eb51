package io.modernbert.stream.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.schemas.Document;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes, non-blocking: {@code POST /v1/documents} produces to the input topic and answers
 * 202 with the ids once the broker acknowledged them; {@code POST /embed} and {@code /predict}
 * (text-embeddings-inference shapes, straight to the batch scheduler, see {@link InferenceRoutes});
 * {@code GET /health}, {@code /ready} (broker and model ready), {@code /metrics} (Prometheus).
 * Errors answer a JSON body {@code {"error", "error_type"}} in the style of
 * text-embeddings-inference: 400 malformed or invalid, 401 without a valid key (when keys are
 * configured), 404 unknown route, 413 too large, 429 too many requests in flight, 503 broker
 * unavailable.
 */
public final class IngestionApi {
  private static final Logger LOG = LoggerFactory.getLogger(IngestionApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OPENAPI = openApi();

  /** How long {@code POST /v1/documents} waits for the broker before answering 503. */
  static final Duration INGEST_TIMEOUT = Duration.ofSeconds(10);

  private final DocumentPublisher publisher;
  private final DocumentRequestParser parser;
  private final HttpLimits limits;
  private final HttpSettings settings;
  private final BooleanSupplier ready;
  private final PrometheusMeterRegistry meters;
  private final InferenceRoutes inference;
  private final TokenizerRoutes tokenizer;
  private final OpenAiEmbeddings openAi;

  /** Ingestion only, on loopback settings without keys: {@code /embed} and the rest answer 404. */
  public IngestionApi(
      DocumentPublisher publisher,
      HttpLimits limits,
      BooleanSupplier ready,
      PrometheusMeterRegistry meters) {
    this(publisher, null, Duration.ZERO, limits, HttpSettings.loopback(0), ready, meters);
  }

  /**
   * What {@code /health} reports: false once a thread the service needs has died (the instance is
   * then stopping with a non-zero exit code; a supervisor that polls first sees it here).
   */
  private BooleanSupplier alive = () -> true;

  /** Sets what {@code /health} reports; call before {@link #router}. */
  public IngestionApi liveness(BooleanSupplier alive) {
    this.alive = alive;
    return this;
  }

  /** As below, on loopback settings without keys. */
  public IngestionApi(
      DocumentPublisher publisher,
      BatchScheduler scheduler,
      Duration timeout,
      HttpLimits limits,
      BooleanSupplier ready,
      PrometheusMeterRegistry meters) {
    this(publisher, scheduler, timeout, limits, HttpSettings.loopback(0), ready, meters);
  }

  /**
   * With a {@code scheduler}, also {@code /embed}, {@code /predict} and the other synchronous
   * routes, which run on it and wait up to {@code timeout}. {@code settings} say who may call
   * (keys, CORS), how long a body may take, and whether {@code /metrics} is served here.
   */
  public IngestionApi(
      DocumentPublisher publisher,
      BatchScheduler scheduler,
      Duration timeout,
      HttpLimits limits,
      HttpSettings settings,
      BooleanSupplier ready,
      PrometheusMeterRegistry meters) {
    InferenceCalls calls = scheduler == null ? null : new InferenceCalls(scheduler, timeout);
    String modelName =
        scheduler == null
            ? null
            : scheduler.engine().modelDir().toAbsolutePath().normalize().getFileName().toString();
    this.inference = calls == null ? null : new InferenceRoutes(calls, limits);
    this.tokenizer =
        calls == null ? null : new TokenizerRoutes(scheduler.engine(), limits, modelName);
    this.openAi = calls == null ? null : new OpenAiEmbeddings(calls, limits, modelName);
    this.publisher = publisher;
    this.parser = new DocumentRequestParser(limits);
    this.limits = limits;
    this.settings = settings;
    this.ready = ready;
    this.meters = meters;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    RequestGuards guards = new RequestGuards(settings, limits);
    // Before any route, so that unknown routes need a key too and say nothing to callers without.
    // One route each: Vert.x allows no CORS or body handler after a plain handler on one route.
    router.route().handler(guards::identify);
    router.route().handler(guards.cors());
    router.route().handler(guards::authorize);
    router
        .get("/health")
        .handler(
            ctx -> {
              boolean up = alive.getAsBoolean();
              json(
                  ctx.response(),
                  up ? 200 : 503,
                  JSON.createObjectNode().put("status", up ? "UP" : "DOWN"));
            });
    router
        .get("/ready")
        .handler(
            ctx ->
                json(
                    ctx.response(),
                    ready.getAsBoolean() ? 200 : 503,
                    JSON.createObjectNode()
                        .put("status", ready.getAsBoolean() ? "READY" : "NOT_READY")));
    if (!settings.separateMetrics()) {
      router.get("/metrics").handler(ctx -> metrics(ctx, meters));
    }
    router
        .get("/openapi.json")
        .handler(ctx -> ctx.response().putHeader("content-type", "application/json").end(OPENAPI));
    post(router, guards, "/v1/documents", limits.maxBodyBytes(), this::ingest);
    if (inference != null) {
      post(router, guards, "/embed", limits.maxBodyBytes(), inference::embed);
      post(router, guards, "/embed_all", limits.maxBodyBytes(), inference::embedAll);
      post(router, guards, "/predict", limits.maxBodyBytes(), inference::predict);
      post(router, guards, "/tokenize", limits.maxTokenizeBodyBytes(), tokenizer::tokenize);
      post(router, guards, "/decode", limits.maxDecodeBodyBytes(), tokenizer::decode);
      router.get("/info").handler(guards::admit).handler(tokenizer::info);
      post(router, guards, "/v1/embeddings", limits.maxBodyBytes(), openAi::embeddings);
    }
    router.errorHandler(
        404,
        ctx ->
            error(
                ctx,
                404,
                "NotFound",
                "no route " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            error(
                ctx,
                405,
                "MethodNotAllowed",
                ctx.request().method() + " not allowed on " + ctx.request().path()));
    router.errorHandler(
        413,
        ctx ->
            error(
                ctx, 413, "Validation", "request body over the limit of " + ctx.request().path()));
    router.errorHandler(
        403, ctx -> error(ctx, 403, "Forbidden", "origin not allowed by the CORS policy"));
    router.errorHandler(
        500, ctx -> internal(ctx, 500, "Internal", "internal error", ctx.failure()));
    return router;
  }

  /**
   * A POST route: body deadline, body (at most {@code maxBytes}, never on disk), a slot in flight,
   * then {@code handler}.
   */
  private static void post(
      Router router,
      RequestGuards guards,
      String path,
      long maxBytes,
      Handler<RoutingContext> handler) {
    router.post(path).handler(guards::bodyDeadline);
    router.post(path).handler(RequestGuards.body(maxBytes)).handler(guards::admit).handler(handler);
  }

  /** Prometheus text; also served on the metrics port by {@link HttpService}. */
  static void metrics(RoutingContext ctx, PrometheusMeterRegistry meters) {
    ctx.response().putHeader("content-type", "text/plain; version=0.0.4").end(meters.scrape());
  }

  private void ingest(RoutingContext ctx) {
    List<Document> documents;
    try {
      documents = parser.parse(RequestBody.utf8(ctx));
    } catch (HttpError e) {
      error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    publisher
        .publish(documents)
        .orTimeout(INGEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, failure) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          if (failure instanceof DocumentPublisher.PublisherBusyException) {
                            error(ctx, 429, "Overloaded", failure.getMessage());
                            return;
                          }
                          if (failure instanceof RecordTooLargeException) {
                            error(ctx, 413, "Payload Too Large", failure.getMessage());
                            return;
                          }
                          if (failure != null) {
                            // The cause stays in the log: its text may name hosts or internals.
                            internal(
                                ctx,
                                503,
                                "Unavailable",
                                "the broker did not acknowledge the documents (waited at most "
                                    + INGEST_TIMEOUT.toSeconds()
                                    + " s); some may still be written",
                                failure);
                            return;
                          }
                          ObjectNode body =
                              JSON.createObjectNode().put("accepted", documents.size());
                          var ids = body.putArray("ids");
                          documents.forEach(d -> ids.add(d.getId()));
                          json(ctx.response(), 202, body);
                        }));
  }

  private static String openApi() {
    try (var in = IngestionApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read openapi.json", e);
    }
  }

  static void error(RoutingContext ctx, int status, String type, String message) {
    if (!ctx.response().ended()) {
      json(
          ctx.response(),
          status,
          JSON.createObjectNode().put("error", message).put("error_type", type));
    }
  }

  /**
   * An error whose cause is ours, not the caller's: the detail goes to the log under the request
   * id, the answer carries only {@code message} and that id.
   */
  static void internal(
      RoutingContext ctx, int status, String type, String message, Throwable cause) {
    String id = RequestGuards.requestId(ctx);
    LOG.warn(
        "request {} {} {} answered {}: {}",
        id,
        ctx.request().method(),
        ctx.request().path(),
        status,
        message,
        cause);
    error(ctx, status, type, message + " (request id " + id + ")");
  }

  static void json(HttpServerResponse response, int status, Object body) {
    try {
      response
          .setStatusCode(status)
          .putHeader("content-type", "application/json")
          .end(JSON.writeValueAsString(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      response.setStatusCode(500).end();
    }
  }
}
