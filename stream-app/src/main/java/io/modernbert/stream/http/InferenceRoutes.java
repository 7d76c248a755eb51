package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.engine.LabelScore;
import io.modernbert.model.tokenizer.Encoding;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inference routes of Hugging Face text-embeddings-inference, in its request and response
 * shapes: {@code POST /embed}, {@code /embed_all} and {@code /predict} take {@code {"inputs":
 * "text" | ["text", ...], "normalize": true, "truncate": false, "truncation_direction": "Right"}}.
 * As there, an input over the model's token limit is refused (413) unless {@code truncate} is true;
 * then it keeps its beginning ({@code Right}) or its end ({@code Left}). The inputs run on the
 * instance's scheduler through {@link InferenceCalls}. {@code /info}, {@code /tokenize} and {@code
 * /decode} are in {@link TokenizerRoutes}.
 */
final class InferenceRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InferenceCalls calls;
  private final InferenceEngine engine;
  private final HttpLimits limits;

  InferenceRoutes(InferenceCalls calls, HttpLimits limits) {
    this.calls = calls;
    this.engine = calls.engine();
    this.limits = limits;
  }

  /** A request's inputs and options. */
  record Inputs(
      List<String> texts,
      long bytes,
      boolean single,
      boolean normalize,
      boolean truncate,
      boolean keepEnd) {}

  void embed(RoutingContext ctx) {
    boolean alreadyNormalized = engine.pooling().normalize() || engine.options().normalize();
    run(
        ctx,
        false,
        (inputs, results) -> {
          ArrayNode out = JSON.createArrayNode();
          for (EncodedDocument result : results) {
            ArrayNode values = out.addArray();
            for (float v :
                Vectors.scaled(result.embedding(), inputs.normalize() && !alreadyNormalized)) {
              values.add(v);
            }
          }
          return out;
        });
  }

  /**
   * Every token's last hidden state (after the final norm), per input: {@code [[[float; hidden];
   * tokens]; inputs]}.
   */
  void embedAll(RoutingContext ctx) {
    run(
        ctx,
        true,
        (inputs, results) -> {
          ArrayNode out = JSON.createArrayNode();
          for (EncodedDocument result : results) {
            ArrayNode tokens = out.addArray();
            for (float[] state : result.lastHiddenState()) {
              ArrayNode values = tokens.addArray();
              for (float v : state) {
                values.add(v);
              }
            }
          }
          return out;
        });
  }

  void predict(RoutingContext ctx) {
    if (!engine.config().isClassifier()) {
      IngestionApi.error(
          ctx,
          400,
          "Validation",
          "the model is not a classifier (no labels to predict); use /embed, or serve a ModernBertForSequenceClassification model");
      return;
    }
    run(
        ctx,
        false,
        (inputs, results) -> {
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

  /** Renders a request's results. */
  @FunctionalInterface
  private interface Render {
    JsonNode apply(Inputs inputs, List<EncodedDocument> results);
  }

  private void run(RoutingContext ctx, boolean hiddenStates, Render render) {
    Inputs inputs;
    try {
      inputs = parse(RequestBody.utf8(ctx));
    } catch (HttpError e) {
      IngestionApi.error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    calls.run(
        ctx,
        inputs.bytes(),
        () -> capped(tokenize(inputs), hiddenStates),
        hiddenStates,
        results -> render.apply(inputs, results),
        IngestionApi::error);
  }

  /**
   * {@code /embed_all} answers every token's hidden state: refuses (413), before the model runs, an
   * answer of more than {@link HttpLimits#maxEmbedAllValues} floats.
   */
  private List<int[]> capped(List<int[]> ids, boolean hiddenStates) {
    if (hiddenStates) {
      long tokens = ids.stream().mapToLong(input -> input.length).sum();
      long values = tokens * engine.config().hiddenSize();
      if (values > limits.maxEmbedAllValues()) {
        throw new HttpError(
            413,
            "Validation",
            "/embed_all of "
                + tokens
                + " tokens would answer "
                + values
                + " values; the limit is "
                + limits.maxEmbedAllValues()
                + " (send fewer or shorter inputs, or use /embed)");
      }
    }
    return ids;
  }

  private List<int[]> tokenize(Inputs inputs) {
    List<int[]> ids = new ArrayList<>(inputs.texts().size());
    for (String text : inputs.texts()) {
      Encoding encoding =
          inputs.keepEnd()
              ? engine.tokenizer().encodeKeepingEnd(text)
              : engine.tokenizer().encode(text);
      if (encoding.truncated() && !inputs.truncate()) {
        throw new HttpError(
            413,
            "Validation",
            "Input validation error: `inputs` must have less than "
                + engine.tokenizer().maxTokens()
                + " tokens. Given: "
                + encoding.originalLength()
                + " (send \"truncate\": true to keep the first tokens)");
      }
      ids.add(encoding.ids());
    }
    return ids;
  }

  Inputs parse(String body) {
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
    List<String> texts = texts(given, limits);
    long bytes = 0;
    for (String text : texts) {
      bytes += text.getBytes(StandardCharsets.UTF_8).length;
    }
    String direction = root.path("truncation_direction").asText("Right").toLowerCase(Locale.ROOT);
    if (!direction.equals("right") && !direction.equals("left")) {
      throw new HttpError(
          400, "Validation", "\"truncation_direction\" must be \"Right\" or \"Left\"");
    }
    return new Inputs(
        texts,
        bytes,
        given.isTextual(),
        root.path("normalize").asBoolean(true),
        root.path("truncate").asBoolean(false),
        direction.equals("left"));
  }

  /**
   * The texts of {@code "inputs"}: a string or an array of strings, none empty, within the limits.
   */
  static List<String> texts(JsonNode given, HttpLimits limits) {
    List<String> texts = new ArrayList<>();
    if (given.isTextual()) {
      texts.add(given.asText());
    } else if (given.isArray()) {
      given.forEach(
          node -> {
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
      throw new HttpError(
          413,
          "Validation",
          texts.size() + " inputs in one request; the limit is " + limits.maxItems());
    }
    for (String text : texts) {
      if (text.isBlank()) {
        throw new HttpError(400, "Validation", "an input is empty");
      }
      if (text.getBytes(StandardCharsets.UTF_8).length > limits.maxDocumentBytes()) {
        throw new HttpError(
            413, "Validation", "an input is over " + limits.maxDocumentBytes() + " bytes");
      }
    }
    return texts;
  }
}
