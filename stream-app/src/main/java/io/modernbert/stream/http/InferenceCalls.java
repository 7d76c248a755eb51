package io.modernbert.stream.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.InferenceJob;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every synchronous inference route does, whatever its API's shape: tokenize the inputs (on
 * the event loop when short, on a worker thread when long), hand them to the instance's {@link
 * BatchScheduler} as interactive jobs (due at once, sharing passes with the topology), wait up to
 * the timeout, and answer: the route's rendering on success, or 429 (queue full), 504 (timeout),
 * 503 (inference failed), or the {@link HttpError} tokenizing raised, in the route's error shape.
 */
final class InferenceCalls {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceCalls.class);

  /** Inputs of at most this many UTF-8 bytes in all are tokenized on the event loop. */
  private static final int INLINE_TOKENIZE_BYTES = 16 * 1024;

  /** Writes an error in the route's API shape. */
  @FunctionalInterface
  interface ErrorWriter {
    void write(RoutingContext ctx, int status, String type, String message);
  }

  /** The scheduler refused a job: its queue is full. */
  private static final class Overloaded extends RuntimeException {
    Overloaded() {
      super("the model's queue is full; retry later", null, false, false);
    }
  }

  private final BatchScheduler scheduler;
  private final Duration timeout;

  InferenceCalls(BatchScheduler scheduler, Duration timeout) {
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  InferenceEngine engine() {
    return scheduler.engine();
  }

  /**
   * Runs the token ids {@code tokenize} returns (one array per input, [CLS] ... [SEP]) and answers
   * with {@code render} of their results, in input order.
   *
   * @param bytes UTF-8 bytes of the inputs in all: decides where tokenizing runs
   * @param hiddenStates whether the results must carry every token's hidden state
   */
  void run(
      RoutingContext ctx,
      long bytes,
      Callable<List<int[]>> tokenize,
      boolean hiddenStates,
      Function<List<EncodedDocument>, JsonNode> render,
      ErrorWriter errors) {
    Object request = new Object(); // owner of this request's jobs, to cancel them together
    submitted(ctx, bytes, () -> submit(tokenize.call(), hiddenStates, request))
        .thenCompose(
            waits ->
                CompletableFuture.allOf(waits.toArray(CompletableFuture<?>[]::new))
                    .thenApply(done -> waits.stream().map(CompletableFuture::join).toList()))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (results, failure) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          if (failure == null) {
                            JsonNode body;
                            try {
                              body = render.apply(results);
                            } catch (HttpError e) {
                              errors.write(ctx, e.status(), e.type(), e.getMessage());
                              return;
                            }
                            IngestionApi.json(ctx.response(), 200, body);
                            return;
                          }
                          scheduler.cancel(request);
                          Throwable cause =
                              failure instanceof CompletionException ? failure.getCause() : failure;
                          if (cause instanceof HttpError e) {
                            errors.write(ctx, e.status(), e.type(), e.getMessage());
                          } else if (cause instanceof TimeoutException) {
                            errors.write(
                                ctx,
                                504,
                                "Timeout",
                                "no result within " + timeout.toMillis() + " ms");
                          } else if (cause instanceof Overloaded) {
                            errors.write(ctx, 429, "Overloaded", cause.getMessage());
                          } else {
                            // The cause's text may name files or internals: log it, answer the id.
                            String id = RequestGuards.requestId(ctx);
                            LOG.warn(
                                "request {} {}: inference failed", id, ctx.request().path(), cause);
                            errors.write(
                                ctx,
                                503,
                                "Unavailable",
                                "inference failed (request id " + id + ")");
                          }
                        }));
  }

  /**
   * Runs {@code work} on the event loop when the inputs are short, on a worker thread otherwise.
   */
  static <T> CompletableFuture<T> submitted(RoutingContext ctx, long bytes, Callable<T> work) {
    if (bytes <= INLINE_TOKENIZE_BYTES) {
      try {
        return CompletableFuture.completedFuture(work.call());
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return ctx.vertx().executeBlocking(work, false).toCompletionStage().toCompletableFuture();
  }

  /** Queues one interactive job per input; one future each. */
  private List<CompletableFuture<EncodedDocument>> submit(
      List<int[]> inputs, boolean hiddenStates, Object request) {
    List<CompletableFuture<EncodedDocument>> waits = new ArrayList<>(inputs.size());
    for (int[] ids : inputs) {
      CompletableFuture<EncodedDocument> result = new CompletableFuture<>();
      InferenceJob job =
          new InferenceJob(
              "http",
              ids,
              InferenceJob.Priority.INTERACTIVE,
              request,
              outcome -> {
                if (outcome.succeeded()) {
                  result.complete(outcome.result());
                } else {
                  result.completeExceptionally(outcome.failure());
                }
              },
              hiddenStates);
      if (!scheduler.offer(job)) {
        scheduler.cancel(request);
        throw new Overloaded();
      }
      waits.add(result);
    }
    return waits;
  }
}
