package io.modernbert.stream.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.tokenizer.Encoding;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings} in the shape of OpenAI's embeddings API, so that OpenAI clients
 * (their SDKs, LangChain4j, LlamaIndex) work with only their base URL changed:
 *
 * <pre>
 *   {"input": "text" | ["text", ...] | [id, ...] | [[id, ...], ...], "model": "...",
 *    "encoding_format": "float" | "base64", "dimensions": n}
 *   -> {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [...] | "base64"}],
 *       "model": "...", "usage": {"prompt_tokens": n, "total_tokens": n}}
 * </pre>
 *
 * Embeddings are L2-normalized, as OpenAI's are, and equal {@code /embed}'s (which normalizes by
 * default). {@code dimensions} keeps the first n values and normalizes again (Matryoshka-style, as
 * OpenAI's text-embedding-3 models do). {@code base64} is the little-endian float32 bytes. Token-id
 * inputs are this model's ids; [CLS] and [SEP] are added when missing. Any {@code model} is
 * accepted: the instance serves one, and the response names it. Errors are OpenAI's {@code
 * {"error": {"message", "type", "param", "code"}}}.
 */
final class OpenAiEmbeddings {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InferenceCalls calls;
  private final InferenceEngine engine;
  private final HttpLimits limits;
  private final String modelName;

  OpenAiEmbeddings(InferenceCalls calls, HttpLimits limits, String modelName) {
    this.calls = calls;
    this.engine = calls.engine();
    this.limits = limits;
    this.modelName = modelName;
  }

  /** A parsed request: texts or token ids (one of them), and the output options. */
  private record Request(
      List<String> texts,
      List<int[]> tokenIds,
      long bytes,
      boolean base64,
      int dimensions) {} // dimensions 0: all

  void embeddings(RoutingContext ctx) {
    Request request;
    try {
      request = parse(RequestBody.utf8(ctx));
    } catch (HttpError e) {
      error(ctx, e.status(), e.type(), e.getMessage());
      return;
    }
    calls.run(
        ctx,
        request.bytes(),
        () -> tokenize(request),
        false,
        results -> render(request, results),
        OpenAiEmbeddings::error);
  }

  private List<int[]> tokenize(Request request) {
    List<int[]> ids = new ArrayList<>();
    if (request.texts() != null) {
      for (String text : request.texts()) {
        ids.add(checked(engine.tokenizer().encode(text)).ids());
      }
    } else {
      for (int[] given : request.tokenIds()) {
        ids.add(checked(engine.tokenizer().fromIds(withSpecialTokens(given))).ids());
      }
    }
    return ids;
  }

  private Encoding checked(Encoding encoding) {
    if (encoding.truncated()) {
      throw new HttpError(
          400,
          "invalid_request_error",
          "This model's maximum context length is "
              + engine.tokenizer().maxTokens()
              + " tokens, however you requested "
              + encoding.originalLength()
              + " tokens in an input. Please reduce your input.");
    }
    return encoding;
  }

  private int[] withSpecialTokens(int[] ids) {
    boolean cls = ids[0] == engine.tokenizer().clsId();
    boolean sep = ids[ids.length - 1] == engine.tokenizer().sepId();
    int[] out = new int[ids.length + (cls ? 0 : 1) + (sep ? 0 : 1)];
    out[0] = engine.tokenizer().clsId();
    System.arraycopy(ids, 0, out, cls ? 0 : 1, ids.length);
    out[out.length - 1] = engine.tokenizer().sepId();
    return out;
  }

  private JsonNode render(Request request, List<EncodedDocument> results) {
    ObjectNode out = JSON.createObjectNode().put("object", "list");
    ArrayNode data = out.putArray("data");
    long tokens = 0;
    for (int i = 0; i < results.size(); i++) {
      EncodedDocument result = results.get(i);
      tokens += result.tokens();
      float[] full = Vectors.scaled(result.embedding(), true);
      if (request.dimensions() > full.length) {
        throw new HttpError(
            400,
            "invalid_request_error",
            "'dimensions' must be at most "
                + full.length
                + " for this model, not "
                + request.dimensions());
      }
      float[] vector =
          request.dimensions() == 0 ? full : Vectors.scaled(full, request.dimensions(), true);
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      if (request.base64()) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        ArrayNode values = item.putArray("embedding");
        for (float v : vector) {
          values.add(v);
        }
      }
    }
    out.put("model", modelName);
    out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return out;
  }

  private Request parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw new HttpError(
          400,
          "invalid_request_error",
          "We could not parse the JSON body of your request: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || !root.has("input")) {
      throw new HttpError(400, "invalid_request_error", "'input' is a required property");
    }
    String format = root.path("encoding_format").asText("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw new HttpError(
          400,
          "invalid_request_error",
          "'encoding_format' must be 'float' or 'base64', not '" + format + "'");
    }
    int dimensions = 0; // all
    if (root.hasNonNull("dimensions")) {
      JsonNode given = root.get("dimensions");
      if (!given.isIntegralNumber() || given.asInt() < 1) {
        throw new HttpError(
            400, "invalid_request_error", "'dimensions' must be a positive integer");
      }
      dimensions = given.asInt();
    }
    JsonNode input = root.get("input");
    boolean base64 = format.equals("base64");
    if (input.isArray()
        && !input.isEmpty()
        && (input.get(0).isNumber() || input.get(0).isArray())) {
      List<int[]> ids = new ArrayList<>();
      if (input.get(0).isNumber()) {
        ids.add(TokenizerRoutes.intArray(input));
      } else {
        input.forEach(sequence -> ids.add(TokenizerRoutes.intArray(sequence)));
      }
      if (ids.size() > limits.maxItems()) {
        throw new HttpError(
            400,
            "invalid_request_error",
            ids.size() + " inputs in one request; the limit is " + limits.maxItems());
      }
      ids.forEach(this::checkRange);
      return new Request(null, ids, 0, base64, dimensions);
    }
    List<String> texts;
    try {
      texts = InferenceRoutes.texts(input, limits);
    } catch (HttpError e) {
      throw new HttpError(
          400, "invalid_request_error", e.getMessage().replace("\"inputs\"", "'input'"));
    }
    long bytes =
        texts.stream().mapToLong(text -> text.getBytes(StandardCharsets.UTF_8).length).sum();
    return new Request(texts, null, bytes, base64, dimensions);
  }

  /** An id outside the vocabulary is the caller's error (400), found before anything is queued. */
  private void checkRange(int[] ids) {
    int max = engine.tokenizer().maxTokenId();
    for (int id : ids) {
      if (id < 0 || id > max) {
        throw new HttpError(
            400,
            "invalid_request_error",
            "token id " + id + " is outside this model's vocabulary [0, " + max + "]");
      }
    }
  }

  /**
   * OpenAI's error shape; {@code type} is theirs ({@code invalid_request_error}, ...) or ours for
   * 429/503/504.
   */
  static void error(RoutingContext ctx, int status, String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put(
        "type",
        switch (status) {
          case 429 -> "rate_limit_error";
          case 400, 413 -> "invalid_request_error";
          default -> type;
        });
    error.putNull("param");
    error.putNull("code");
    IngestionApi.json(ctx.response(), status == 413 ? 400 : status, body);
  }
}
