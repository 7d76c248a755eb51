package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.tokenizer.ModernBertTokenizer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The routes of text-embeddings-inference that describe the model and its tokenizer, in its shapes:
 * {@code GET /info}, {@code POST /tokenize} ({@code {"inputs": ..., "add_special_tokens": true}} to
 * {@code [[{"id", "text", "special", "start", "stop"}, ...], ...]}, offsets in UTF-8 bytes as
 * there) and {@code POST /decode} ({@code {"ids": [..] | [[..], ..], "skip_special_tokens": true}}
 * to {@code ["text", ...]}). They use the tokenizer only, never the model.
 */
final class TokenizerRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InferenceEngine engine;
  private final HttpLimits limits;
  private final String modelName;

  TokenizerRoutes(InferenceEngine engine, HttpLimits limits, String modelName) {
    this.engine = engine;
    this.limits = limits;
    this.modelName = modelName;
  }

  void info(RoutingContext ctx) {
    ObjectNode info = JSON.createObjectNode();
    info.put("model_id", modelName);
    info.putNull("model_sha");
    info.put(
        "model_dtype",
        switch (engine.options().precision()) { // text-embeddings-inference's names
          case FP32 -> "float32";
          case BF16 -> "bfloat16";
        });
    ObjectNode type = info.putObject("model_type");
    if (engine.config().isClassifier()) {
      ObjectNode classifier = type.putObject("classifier");
      Map<String, String> id2label = new LinkedHashMap<>(); // in id order
      new TreeMap<>(engine.config().id2label())
          .forEach((id, label) -> id2label.put(Integer.toString(id), label));
      classifier.set("id2label", JSON.valueToTree(id2label));
      classifier.set(
          "label2id",
          JSON.valueToTree(
              engine.config().id2label().entrySet().stream()
                  .collect(
                      Collectors.toMap(
                          Map.Entry::getValue, Map.Entry::getKey, (a, b) -> a, TreeMap::new))));
    } else {
      type.putObject("embedding")
          .put(
              "pooling",
              engine.pooling().modes().stream()
                  .map(mode -> mode.name().toLowerCase(Locale.ROOT))
                  .collect(Collectors.joining("+")));
    }
    info.put("max_concurrent_requests", limits.maxInFlight());
    info.put("max_input_length", engine.tokenizer().maxTokens());
    info.put("max_batch_tokens", engine.options().batchTokens());
    info.putNull("max_batch_requests");
    info.put("max_client_batch_size", limits.maxItems());
    info.put("auto_truncate", false);
    info.put("tokenization_workers", 1);
    info.put(
        "version",
        TokenizerRoutes.class.getPackage().getImplementationVersion() == null
            ? "dev"
            : TokenizerRoutes.class.getPackage().getImplementationVersion());
    IngestionApi.json(ctx.response(), 200, info);
  }

  void tokenize(RoutingContext ctx) {
    JsonNode root;
    List<String> texts;
    try {
      root = body(ctx);
      if (!root.has("inputs")) {
        throw new HttpError(
            400, "Validation", "expected {\"inputs\": \"text\" or [\"text\", ...]}");
      }
      texts = InferenceRoutes.texts(root.get("inputs"), limits);
    } catch (HttpError e) {
      IngestionApi.error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    boolean special = root.path("add_special_tokens").asBoolean(true);
    long bytes = texts.stream().mapToLong(String::length).sum();
    InferenceCalls.submitted(ctx, bytes, () -> tokens(texts, special))
        .whenComplete(
            (out, failure) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          Throwable cause =
                              failure instanceof CompletionException ? failure.getCause() : failure;
                          if (cause instanceof HttpError e) {
                            IngestionApi.error(ctx, e.status(), e.type(), e.getMessage());
                          } else if (cause != null) {
                            IngestionApi.internal(ctx, 500, "Backend", "tokenizing failed", cause);
                          } else {
                            ctx.response().putHeader("content-type", "application/json").end(out);
                          }
                        }));
  }

  /**
   * The tokens of every text, in linear time: offsets come from one pass over each text (per code
   * point, its UTF-16 index and UTF-8 offset), not from a scan from the start per token, which made
   * a 1 MiB text take minutes. More than {@link HttpLimits#maxTokenizeTokens} tokens answer 413.
   */
  private String tokens(List<String> texts, boolean special) throws JsonProcessingException {
    ArrayNode out = JSON.createArrayNode();
    long total = 0;
    for (String text : texts) {
      List<ModernBertTokenizer.Token> all = engine.tokenizer().tokens(text);
      total += all.size();
      if (total > limits.maxTokenizeTokens()) {
        throw new HttpError(
            413,
            "Validation",
            "more than "
                + limits.maxTokenizeTokens()
                + " tokens in one /tokenize request; send shorter inputs");
      }
      CodePointOffsets offsets = new CodePointOffsets(text);
      ArrayNode tokens = out.addArray();
      for (ModernBertTokenizer.Token token : all) {
        if (token.special() && !special) {
          continue;
        }
        // As text-embeddings-inference: a special token shows its own string and no offsets; any
        // other token the part of the input it covers, with offsets in UTF-8 bytes.
        ObjectNode node = tokens.addObject().put("id", token.id());
        if (token.special() || token.start() < 0) {
          node.put("text", token.text()).put("special", token.special()).putNull("start");
          node.putNull("stop");
        } else {
          node.put(
                  "text", text.substring(offsets.utf16(token.start()), offsets.utf16(token.stop())))
              .put("special", false)
              .put("start", offsets.utf8(token.start()))
              .put("stop", offsets.utf8(token.stop()));
        }
      }
    }
    // Written here, off the event loop when the input was long: a large answer takes a while.
    return JSON.writeValueAsString(out);
  }

  void decode(RoutingContext ctx) {
    try {
      JsonNode root = body(ctx);
      JsonNode ids = root.path("ids");
      if (!ids.isArray() || ids.isEmpty()) {
        throw new HttpError(400, "Validation", "expected {\"ids\": [id, ...] or [[id, ...], ...]}");
      }
      boolean skip = root.path("skip_special_tokens").asBoolean(true);
      List<int[]> sequences = new ArrayList<>();
      if (ids.get(0).isArray()) {
        ids.forEach(sequence -> sequences.add(intArray(sequence)));
      } else {
        sequences.add(intArray(ids));
      }
      checkDecodeLimits(sequences);
      ArrayNode out = JSON.createArrayNode();
      for (int[] sequence : sequences) {
        out.add(engine.tokenizer().decode(sequence, skip));
      }
      IngestionApi.json(ctx.response(), 200, out);
    } catch (HttpError e) {
      IngestionApi.error(ctx, e.status(), e.type(), e.getMessage());
    } catch (IllegalArgumentException e) {
      // The tokenizer's own message about the caller's ids: which id, where, the valid range.
      IngestionApi.error(ctx, 400, "Validation", e.getMessage());
    }
  }

  private void checkDecodeLimits(List<int[]> sequences) {
    if (sequences.size() > limits.maxItems()) {
      throw new HttpError(
          413,
          "Validation",
          sequences.size() + " sequences in one request; the limit is " + limits.maxItems());
    }
    long total = sequences.stream().mapToLong(sequence -> sequence.length).sum();
    if (total > limits.maxDecodeIds()) {
      throw new HttpError(
          413,
          "Validation",
          total + " token ids in one request; the limit is " + limits.maxDecodeIds());
    }
  }

  private static JsonNode body(RoutingContext ctx) {
    try {
      JsonNode root = JSON.readTree(RequestBody.utf8(ctx));
      if (root == null || !root.isObject()) {
        throw new HttpError(400, "Validation", "expected a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "Validation", "malformed JSON: " + e.getOriginalMessage());
    }
  }

  static int[] intArray(JsonNode array) {
    if (!array.isArray() || array.isEmpty()) {
      throw new HttpError(400, "Validation", "token ids must be a non-empty array of integers");
    }
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = array.get(i);
      if (!id.canConvertToInt() || !id.isIntegralNumber()) {
        throw new HttpError(400, "Validation", "token ids must be integers; got " + id);
      }
      ids[i] = id.asInt();
    }
    return ids;
  }
}
