package io.modernbert.stream.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handlers every request passes before its route, in this order: a request id, the CORS policy,
 * the API key (before any body byte is read, so that a caller without a key cannot make us buffer),
 * the body-read deadline, the body itself, and only then a slot among the requests in flight (so
 * that clients trickling their bodies hold no slot).
 */
final class RequestGuards {
  /** Routing-context key and response header of the request id that server logs also carry. */
  static final String REQUEST_ID = "X-Request-Id";

  /** Routes callers without a key may use: probes for orchestrators, and the API description. */
  private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/openapi.json");

  private static final String BODY_TIMER = "body-timer";

  private final HttpSettings settings;
  private final HttpLimits limits;
  private final AtomicInteger inFlight = new AtomicInteger();

  RequestGuards(HttpSettings settings, HttpLimits limits) {
    this.settings = settings;
    this.limits = limits;
  }

  /** Gives the request an id, for the response header and for server-side logs of its errors. */
  void identify(RoutingContext ctx) {
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(REQUEST_ID, id);
    ctx.next();
  }

  static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    return id == null ? "-" : id;
  }

  /**
   * Vert.x's CORS handler for the configured origins; without any, a browser's cross-origin request
   * (it always carries {@code Origin}) is refused, so a web page cannot post into the API with a
   * "simple" {@code text/plain} request that skips the preflight.
   */
  Handler<RoutingContext> cors() {
    if (!settings.corsOrigins().isEmpty()) {
      return CorsHandler.create()
          .addOrigins(settings.corsOrigins())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "X-API-Key", REQUEST_ID))
          .exposedHeader(REQUEST_ID)
          .maxAgeSeconds(600);
    }
    return ctx -> {
      if (ctx.request().getHeader("Origin") != null) {
        IngestionApi.error(
            ctx,
            403,
            "Forbidden",
            "cross-origin requests are refused; allow origins with --cors-origins");
      } else {
        ctx.next();
      }
    };
  }

  /** Requires a valid key on every route but the probes and {@code /openapi.json}. */
  void authorize(RoutingContext ctx) {
    if (!settings.keys().required() || OPEN_PATHS.contains(ctx.normalizedPath())) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String key =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7)
            : ctx.request().getHeader("X-API-Key");
    if (settings.keys().accepts(key)) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      IngestionApi.error(
          ctx,
          401,
          "Unauthorized",
          "a valid API key is required (Authorization: Bearer KEY or X-API-Key: KEY)");
    }
  }

  /** A body reader that keeps nothing on disk and refuses by Content-Length before reading. */
  static BodyHandler body(long maxBytes) {
    return BodyHandler.create(false).setDeleteUploadedFilesOnEnd(true).setBodyLimit(maxBytes);
  }

  /**
   * Starts the body-read clock: a body not complete within the bound answers 408 and the connection
   * closes (the idle timeout alone would let a client that sends a byte now and then hold the
   * connection forever). Vert.x's TimeoutHandler does not fit: it would also bound the time the
   * model takes, after the body.
   */
  void bodyDeadline(RoutingContext ctx) {
    long timer =
        ctx.vertx()
            .setTimer(
                settings.readTimeout().toMillis(),
                fired -> {
                  if (!ctx.response().ended() && !ctx.response().headWritten()) {
                    ctx.response()
                        .putHeader("Connection", "close")
                        .setStatusCode(408)
                        .putHeader("content-type", "application/json")
                        .end(
                            "{\"error\":\"the request body was not complete within "
                                + settings.readTimeout().toMillis()
                                + " ms\",\"error_type\":\"Timeout\"}")
                        .onComplete(done -> ctx.request().connection().close());
                  }
                });
    ctx.put(BODY_TIMER, timer);
    ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
    ctx.next();
  }

  /**
   * Runs once the body is complete: stops the body clock, then takes a slot among the requests in
   * flight (429 when none is free); the slot is given back when the response ends, however.
   */
  void admit(RoutingContext ctx) {
    Long timer = ctx.get(BODY_TIMER);
    if (timer != null) {
      ctx.vertx().cancelTimer(timer);
    }
    if (ctx.response().ended()) {
      return; // answered 408 while the last bytes were on their way
    }
    if (inFlight.incrementAndGet() > limits.maxInFlight()) {
      inFlight.decrementAndGet();
      IngestionApi.error(
          ctx,
          429,
          "Overloaded",
          "more than " + limits.maxInFlight() + " requests in flight; retry later");
      return;
    }
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    ctx.next();
  }
}
