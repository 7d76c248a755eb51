package io.modernbert.stream.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.schemas.Document;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
  private final BooleanSupplier ready;
  private final PrometheusMeterRegistry meters;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final InferenceRoutes inference;
  private final TokenizerRoutes tokenizer;
  private final OpenAiEmbeddings openAi;

  /** Ingestion only: {@code /embed} and {@code /predict} answer 404. */
  public IngestionApi(
      DocumentPublisher publisher,
      HttpLimits limits,
      BooleanSupplier ready,
      PrometheusMeterRegistry meters) {
    this(publisher, null, Duration.ZERO, limits, ready, meters);
  }

  /**
   * With a {@code scheduler}, also {@code /embed} and {@code /predict}, which run on it and wait up
   * to {@code timeout}.
   */
  public IngestionApi(
      DocumentPublisher publisher,
      BatchScheduler scheduler,
      Duration timeout,
      HttpLimits limits,
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
    this.ready = ready;
    this.meters = meters;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router
        .get("/health")
        .handler(ctx -> json(ctx.response(), 200, JSON.createObjectNode().put("status", "UP")));
    router
        .get("/ready")
        .handler(
            ctx ->
                json(
                    ctx.response(),
                    ready.getAsBoolean() ? 200 : 503,
                    JSON.createObjectNode()
                        .put("status", ready.getAsBoolean() ? "READY" : "NOT_READY")));
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "text/plain; version=0.0.4")
                    .end(meters.scrape()));
    router
        .get("/openapi.json")
        .handler(ctx -> ctx.response().putHeader("content-type", "application/json").end(OPENAPI));
    router.route("/v1/*").handler(this::authorize).handler(this::admit);
    router
        .post("/v1/documents")
        .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
        .handler(this::ingest);
    if (inference != null) {
      // The key is checked on a route of its own, before the body is read: a caller without one
      // cannot make us buffer 16 MiB (Vert.x runs body handlers before user handlers on one route).
      for (String path :
          new String[] {"/embed", "/embed_all", "/predict", "/tokenize", "/decode", "/info"}) {
        router.route(path).handler(this::authorize).handler(this::admit);
      }
      router
          .post("/embed")
          .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
          .handler(inference::embed);
      router
          .post("/embed_all")
          .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
          .handler(inference::embedAll);
      router
          .post("/predict")
          .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
          .handler(inference::predict);
      router
          .post("/tokenize")
          .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
          .handler(tokenizer::tokenize);
      router
          .post("/decode")
          .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
          .handler(tokenizer::decode);
      router.get("/info").handler(tokenizer::info);
      router
          .post("/v1/embeddings")
          .handler(BodyHandler.create().setBodyLimit(limits.maxBodyBytes()))
          .handler(openAi::embeddings);
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
            error(ctx, 413, "Validation", "request body over " + limits.maxBodyBytes() + " bytes"));
    router.errorHandler(
        500,
        ctx -> {
          LOG.error(
              "request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
          error(ctx, 500, "Internal", "internal error");
        });
    return router;
  }

  private void authorize(RoutingContext ctx) {
    if (limits.apiKeys().isEmpty()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String key =
        header != null && header.startsWith("Bearer ")
            ? header.substring(7).trim()
            : ctx.request().getHeader("X-API-Key");
    if (key != null && limits.apiKeys().contains(key)) {
      ctx.next();
    } else {
      error(
          ctx,
          401,
          "Unauthorized",
          "a valid API key is required (Authorization: Bearer KEY or X-API-Key: KEY)");
    }
  }

  /** Bounds requests in flight; the count drops when the response ends, however it ends. */
  private void admit(RoutingContext ctx) {
    if (inFlight.incrementAndGet() > limits.maxInFlight()) {
      inFlight.decrementAndGet();
      error(
          ctx,
          429,
          "Overloaded",
          "more than " + limits.maxInFlight() + " requests in flight; retry later");
      return;
    }
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    ctx.next();
  }

  private void ingest(RoutingContext ctx) {
    List<Document> documents;
    try {
      String body = ctx.body() == null ? null : ctx.body().asString();
      documents = parser.parse(body == null ? "" : body);
    } catch (HttpError e) {
      error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    publisher
        .publish(documents)
        .orTimeout(INGEST_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenComplete(
            (ok, failure) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          if (failure instanceof DocumentPublisher.PublisherBusyException) {
                            error(ctx, 429, "Overloaded", failure.getMessage());
                            return;
                          }
                          if (failure
                              instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
                            error(ctx, 413, "Payload Too Large", failure.getMessage());
                            return;
                          }
                          if (failure != null) {
                            String why =
                                failure instanceof java.util.concurrent.TimeoutException
                                    ? "no acknowledgement within "
                                        + INGEST_TIMEOUT.toSeconds()
                                        + " s (is the broker down?); the documents may still be written"
                                    : failure.getMessage();
                            LOG.warn("producing {} documents failed: {}", documents.size(), why);
                            error(
                                ctx,
                                503,
                                "Unavailable",
                                "the broker did not acknowledge the documents: " + why);
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
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read openapi.json", e);
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
