package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.LabelScore;
import io.modernbert.schemas.Labels;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code POST /embed} and {@code POST /predict} in the request and response shapes of Hugging Face
 * text-embeddings-inference: {@code {"inputs": "text" | ["text", ...], "normalize": true}}. Each
 * input goes through the input topic like any document; the answer waits for its results on the
 * output topics (504 after the timeout).
 */
final class InferenceRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DocumentPublisher publisher;
  private final ResultWaiter results;
  private final HttpLimits limits;
  private final Duration timeout;
  private final boolean classifier;

  InferenceRoutes(DocumentPublisher publisher, ResultWaiter results, HttpLimits limits, Duration timeout,
      boolean classifier) {
    this.publisher = publisher;
    this.results = results;
    this.limits = limits;
    this.timeout = timeout;
    this.classifier = classifier;
  }

  /** Request inputs: the texts, and whether the caller sent a single string. */
  private record Inputs(List<String> texts, boolean single, boolean normalize) {}

  void embed(RoutingContext ctx) {
    run(ctx, ResultWaiter.Pending::embedding, (inputs, embeddings) -> {
      ArrayNode out = JSON.createArrayNode();
      for (Embedding embedding : embeddings) {
        ArrayNode vector = out.addArray();
        double norm = 0;
        for (float v : embedding.getVector()) {
          norm += (double) v * v;
        }
        double scale = inputs.normalize() && !embedding.getNormalized() ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
        embedding.getVector().forEach(v -> vector.add((float) (v * scale)));
      }
      return out;
    });
  }

  void predict(RoutingContext ctx) {
    if (!classifier) {
      IngestionApi.error(ctx, 400, "Validation",
          "the model is not a classifier (no labels to predict); use /embed, or serve a ModernBertForSequenceClassification model");
      return;
    }
    run(ctx, ResultWaiter.Pending::labels, (inputs, labelsList) -> {
      ArrayNode out = JSON.createArrayNode();
      for (Labels labels : labelsList) {
        ArrayNode scores = out.addArray();
        for (LabelScore score : labels.getLabels()) {
          scores.addObject().put("label", score.getLabel()).put("score", score.getScore());
        }
      }
      return inputs.single() ? out.get(0) : out;
    });
  }

  private <T> void run(RoutingContext ctx, Function<ResultWaiter.Pending, CompletableFuture<T>> which,
      java.util.function.BiFunction<Inputs, List<T>, JsonNode> render) {
    Inputs inputs;
    try {
      inputs = parse(ctx.body() == null ? null : ctx.body().asString());
    } catch (HttpError e) {
      IngestionApi.error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    List<Document> documents = new ArrayList<>();
    List<CompletableFuture<T>> waits = new ArrayList<>();
    for (String text : inputs.texts()) {
      String id = "http-" + UUID.randomUUID();
      documents.add(Document.newBuilder().setId(id).setText(text).setCreatedAt(Instant.now()).build());
      waits.add(which.apply(results.register(id)));
    }
    CompletableFuture<Void> all = publisher.publish(documents)
        .thenCompose(acked -> CompletableFuture.allOf(waits.toArray(CompletableFuture<?>[]::new)))
        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    all.whenComplete((ok, failure) -> ctx.vertx().runOnContext(v -> {
      documents.forEach(d -> results.forget(d.getId()));
      if (failure == null) {
        IngestionApi.json(ctx.response(), 200, render.apply(inputs, waits.stream().map(CompletableFuture::join).toList()));
      } else if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
        IngestionApi.error(ctx, 504, "Timeout", "no result within " + timeout.toMillis() + " ms");
      } else {
        IngestionApi.error(ctx, 503, "Unavailable", "the broker did not acknowledge the inputs: " + failure.getMessage());
      }
    }));
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
    for (String text : texts) {
      if (text.isBlank()) {
        throw new HttpError(400, "Validation", "an input is empty");
      }
      if (text.getBytes(StandardCharsets.UTF_8).length > limits.maxDocumentBytes()) {
        throw new HttpError(413, "Validation", "an input is over " + limits.maxDocumentBytes() + " bytes");
      }
    }
    return new Inputs(texts, given.isTextual(), root.path("normalize").asBoolean(true));
  }
}
