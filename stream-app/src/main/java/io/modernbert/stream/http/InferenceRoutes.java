package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.LabelScore;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.InferenceJob;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * {@code POST /embed} and {@code POST /predict} in the request and response shapes of Hugging Face
 * text-embeddings-inference: {@code {"inputs": "text" | ["text", ...], "normalize": true}}. The
 * caller holds the request: inputs are tokenized (on a worker thread when long) and go straight to the
 * instance's {@link BatchScheduler} as interactive jobs (due at once, ahead of stream documents),
 * sharing its passes with the topology. 429 when the scheduler's queue is full, 504 after the
 * timeout.
 */
final class InferenceRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatchScheduler scheduler;
  private final InferenceEngine engine;
  private final HttpLimits limits;
  private final Duration timeout;

  InferenceRoutes(BatchScheduler scheduler, HttpLimits limits, Duration timeout) {
    this.scheduler = scheduler;
    this.engine = scheduler.engine();
    this.limits = limits;
    this.timeout = timeout;
  }

  /** Inputs of at most this many UTF-8 bytes in all are tokenized on the event loop. */
  private static final int INLINE_TOKENIZE_BYTES = 16 * 1024;

  /** Request inputs: the texts, their UTF-8 bytes in all, whether the caller sent a single string, and {@code normalize}. */
  private record Inputs(List<String> texts, long bytes, boolean single, boolean normalize) {}

  /** The scheduler refused a job: its queue is full. */
  private static final class Overloaded extends RuntimeException {
    Overloaded() {
      super("the model's queue is full; retry later", null, false, false);
    }
  }

  void embed(RoutingContext ctx) {
    boolean alreadyNormalized = engine.pooling().normalize() || engine.options().normalize();
    run(ctx, (inputs, results) -> {
      ArrayNode out = JSON.createArrayNode();
      for (EncodedDocument result : results) {
        float[] vector = result.embedding();
        double norm = 0;
        for (float v : vector) {
          norm += (double) v * v;
        }
        double scale = inputs.normalize() && !alreadyNormalized ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
        ArrayNode values = out.addArray();
        for (float v : vector) {
          values.add((float) (v * scale));
        }
      }
      return out;
    });
  }

  void predict(RoutingContext ctx) {
    if (!engine.config().isClassifier()) {
      IngestionApi.error(ctx, 400, "Validation",
          "the model is not a classifier (no labels to predict); use /embed, or serve a ModernBertForSequenceClassification model");
      return;
    }
    run(ctx, (inputs, results) -> {
      ArrayNode out = JSON.createArrayNode();
      for (EncodedDocument result : results) {
        ArrayNode scores = out.addArray();
        for (LabelScore score : result.labels()) {
          scores.addObject().put("label", score.label()).put("score", score.score());
        }
      }
      return inputs.single() ? out.get(0) : out;
    });
  }

  private void run(RoutingContext ctx, BiFunction<Inputs, List<EncodedDocument>, JsonNode> render) {
    Inputs inputs;
    try {
      inputs = parse(ctx.body() == null ? null : ctx.body().asString());
    } catch (HttpError e) {
      IngestionApi.error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    Object request = new Object(); // owner of this request's jobs, to cancel them together
    submitted(ctx, inputs, request)
        .thenCompose(waits -> CompletableFuture.allOf(waits.toArray(CompletableFuture<?>[]::new))
            .thenApply(done -> waits.stream().map(CompletableFuture::join).toList()))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((results, failure) -> ctx.vertx().runOnContext(v -> {
          if (failure == null) {
            IngestionApi.json(ctx.response(), 200, render.apply(inputs, results));
            return;
          }
          scheduler.cancel(request);
          Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
          if (cause instanceof TimeoutException) {
            IngestionApi.error(ctx, 504, "Timeout", "no result within " + timeout.toMillis() + " ms");
          } else if (cause instanceof Overloaded) {
            IngestionApi.error(ctx, 429, "Overloaded", cause.getMessage());
          } else {
            IngestionApi.error(ctx, 503, "Unavailable", "inference failed: " + cause.getMessage());
          }
        }));
  }

  /**
   * Tokenizes and queues the inputs: on the event loop when they are short (tens of microseconds, and
   * no thread hop), on a worker thread when they are long enough to hold the event loop up.
   */
  private CompletableFuture<List<CompletableFuture<EncodedDocument>>> submitted(
      RoutingContext ctx, Inputs inputs, Object request) {
    if (inputs.bytes() <= INLINE_TOKENIZE_BYTES) {
      try {
        return CompletableFuture.completedFuture(submit(inputs, request));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return ctx.vertx().executeBlocking(() -> submit(inputs, request), false).toCompletionStage().toCompletableFuture();
  }

  /** Tokenizes and queues every input; one future each. */
  private List<CompletableFuture<EncodedDocument>> submit(Inputs inputs, Object request) {
    List<CompletableFuture<EncodedDocument>> waits = new ArrayList<>(inputs.texts().size());
    for (String text : inputs.texts()) {
      CompletableFuture<EncodedDocument> result = new CompletableFuture<>();
      int[] ids = engine.tokenizer().encode(text).ids();
      InferenceJob job = new InferenceJob("http", ids, InferenceJob.Priority.INTERACTIVE, request, outcome -> {
        if (outcome.succeeded()) {
          result.complete(outcome.result());
        } else {
          result.completeExceptionally(outcome.failure());
        }
      });
      if (!scheduler.offer(job)) {
        scheduler.cancel(request);
        throw new Overloaded();
      }
      waits.add(result);
    }
    return waits;
  }

  private Inputs parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "Validation", "malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !root.has("inputs")) {
      throw new HttpError(400, "Validation", "expected {\"inputs\": \"text\" or [\"text\", ...]}");
    }
    JsonNode given = root.get("inputs");
    List<String> texts = new ArrayList<>();
    if (given.isTextual()) {
      texts.add(given.asText());
    } else if (given.isArray()) {
      given.forEach(node -> {
        if (!node.isTextual()) {
          throw new HttpError(400, "Validation", "every input must be a string");
        }
        texts.add(node.asText());
      });
    } else {
      throw new HttpError(400, "Validation", "\"inputs\" must be a string or an array of strings");
    }
    if (texts.isEmpty()) {
      throw new HttpError(400, "Validation", "\"inputs\" is empty");
    }
    if (texts.size() > limits.maxItems()) {
      throw new HttpError(413, "Validation", texts.size() + " inputs in one request; the limit is " + limits.maxItems());
    }
    long bytes = 0;
    for (String text : texts) {
      if (text.isBlank()) {
        throw new HttpError(400, "Validation", "an input is empty");
      }
      int length = text.getBytes(StandardCharsets.UTF_8).length;
      if (length > limits.maxDocumentBytes()) {
        throw new HttpError(413, "Validation", "an input is over " + limits.maxDocumentBytes() + " bytes");
      }
      bytes += length;
    }
    return new Inputs(texts, bytes, given.isTextual(), root.path("normalize").asBoolean(true));
  }
}
