package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.EncodedDocument;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.model.tokenizer.Encoding;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.PassObserver;
import io.modernbert.stream.scheduler.SchedulerSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synchronous HTTP APIs on the default model, over real HTTP, against the engine run directly:
 * OpenAI's {@code /v1/embeddings} through a real OpenAI client (LangChain4j's, base URL changed
 * only), and text-embeddings-inference's {@code /info}, {@code /tokenize}, {@code /decode}, {@code
 * /embed_all} and {@code truncate}, checked against Hugging Face's tokenizer outputs ({@code
 * ../shared/fixtures/golden/tokenizer-cases.json}).
 */
class EmbeddingApisIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TEXT = "Impossible d'ouvrir le fichier de configuration.";
  private static final String OTHER = "Die Konfigurationsdatei konnte nicht geöffnet werden.";

  private static InferenceEngine engine;
  private static BatchScheduler scheduler;
  private static Vertx vertx;
  private static HttpServer server;

  @BeforeAll
  static void start() throws Exception {
    engine = InferenceEngine.load(StreamFixtures.LANGID_MODEL, StreamFixtures.engineOptions());
    scheduler =
        new BatchScheduler(
            engine, SchedulerSettings.of(8192, Duration.ofMillis(50)), PassObserver.NONE);
    vertx = Vertx.vertx();
    IngestionApi api =
        new IngestionApi(
            null,
            scheduler,
            Duration.ofSeconds(60),
            HttpLimits.defaults(),
            () -> true,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server = vertx.createHttpServer().requestHandler(api.router(vertx)).listen(0).await();
  }

  @AfterAll
  static void stop() {
    server.close().await();
    vertx.close().await();
    scheduler.close();
    engine.close();
  }

  private static HttpResponse<String> post(String path, JsonNode body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).floatValue();
    }
    return values;
  }

  private static float[] embedRoute(String text) throws Exception {
    return floats(ok(post("/embed", JSON.createObjectNode().put("inputs", text))).get(0));
  }

  private static void assertClose(float[] actual, float[] expected, double tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("value " + i).isCloseTo(expected[i], within(tolerance));
    }
  }

  private static double norm(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  @Test
  void anOpenAiClientGetsTheSameEmbeddingsAsEmbed() throws Exception {
    OpenAiEmbeddingModel client =
        OpenAiEmbeddingModel.builder()
            .baseUrl("http://127.0.0.1:" + server.actualPort() + "/v1")
            .apiKey("not-checked-without---api-keys")
            .modelName("langid-modernbert")
            .build();
    var response = client.embedAll(List.of(TextSegment.from(TEXT), TextSegment.from(OTHER)));
    assertThat(response.content()).hasSize(2);
    assertClose(response.content().get(0).vector(), embedRoute(TEXT), 1e-6);
    assertClose(response.content().get(1).vector(), embedRoute(OTHER), 1e-6);
    int tokens =
        engine.tokenizer().encode(TEXT).length() + engine.tokenizer().encode(OTHER).length();
    assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(tokens);

    OpenAiEmbeddingModel shortened =
        OpenAiEmbeddingModel.builder()
            .baseUrl("http://127.0.0.1:" + server.actualPort() + "/v1")
            .apiKey("x")
            .modelName("langid-modernbert")
            .dimensions(32)
            .build();
    float[] truncated = shortened.embed(TEXT).content().vector();
    assertThat(truncated).hasSize(32);
    assertThat(norm(truncated)).isCloseTo(1.0, within(1e-5));
    float[] full = embedRoute(TEXT);
    double prefixNorm = norm(java.util.Arrays.copyOf(full, 32));
    for (int i = 0; i < 32; i++) {
      assertThat((double) truncated[i]).isCloseTo(full[i] / prefixNorm, within(1e-6));
    }
  }

  @Test
  void base64IsTheLittleEndianFloat32OfTheFloatAnswer() throws Exception {
    ObjectNode request = JSON.createObjectNode().put("model", "any");
    request.putArray("input").add(TEXT).add(OTHER);
    JsonNode floatsAnswer = ok(post("/v1/embeddings", request));
    JsonNode base64Answer =
        ok(post("/v1/embeddings", request.deepCopy().put("encoding_format", "base64")));
    assertThat(base64Answer.path("object").asText()).isEqualTo("list");
    assertThat(base64Answer.path("model").asText()).isEqualTo("langid-modernbert");
    for (int i = 0; i < 2; i++) {
      ByteBuffer bytes =
          ByteBuffer.wrap(
                  Base64.getDecoder().decode(base64Answer.at("/data/" + i + "/embedding").asText()))
              .order(ByteOrder.LITTLE_ENDIAN);
      float[] decoded = new float[bytes.remaining() / 4];
      bytes.asFloatBuffer().get(decoded);
      assertThat(decoded).containsExactly(floats(floatsAnswer.at("/data/" + i + "/embedding")));
      assertThat(base64Answer.at("/data/" + i + "/index").asInt()).isEqualTo(i);
    }
    assertThat(floatsAnswer.at("/usage/prompt_tokens").asInt())
        .isEqualTo(floatsAnswer.at("/usage/total_tokens").asInt());
  }

  @Test
  void tokenIdInputsEqualTheirText() throws Exception {
    int[] ids = engine.tokenizer().encode(TEXT).ids();
    ObjectNode request = JSON.createObjectNode().put("model", "any");
    ArrayNode content = request.putArray("input");
    for (int i = 1; i < ids.length - 1; i++) { // without [CLS] and [SEP]: the service adds them
      content.add(ids[i]);
    }
    assertClose(
        floats(ok(post("/v1/embeddings", request)).at("/data/0/embedding")),
        embedRoute(TEXT),
        1e-6);
  }

  @Test
  void openAiErrorsHaveOpenAisShape() throws Exception {
    HttpResponse<String> missing =
        post("/v1/embeddings", JSON.createObjectNode().put("model", "x"));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(missing.body()).at("/error/type").asText())
        .isEqualTo("invalid_request_error");
    assertThat(JSON.readTree(missing.body()).at("/error/message").asText()).contains("'input'");
    HttpResponse<String> badFormat =
        post(
            "/v1/embeddings",
            JSON.createObjectNode().put("input", TEXT).put("encoding_format", "int8"));
    assertThat(badFormat.statusCode()).isEqualTo(400);
    HttpResponse<String> tooMany =
        post(
            "/v1/embeddings",
            JSON.createObjectNode().put("input", TEXT).put("dimensions", 100_000));
    assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(400);
    assertThat(JSON.readTree(tooMany.body()).at("/error/message").asText())
        .contains("'dimensions'");
  }

  @Test
  void tokenizeAnswersWithTheTokenizersIdsAndOffsets() throws Exception {
    JsonNode cases =
        JSON.readTree(
                StreamFixtures.SHARED.resolve("fixtures/golden/tokenizer-cases.json").toFile())
            .path("cases");
    int checked = 0;
    for (JsonNode reference : cases) {
      String text = reference.path("text").asText();
      if (text.isBlank() || reference.path("ids").size() > 8192 || text.length() > 20_000) {
        continue; // /tokenize refuses empty inputs, as text-embeddings-inference does
      }
      JsonNode tokens = ok(post("/tokenize", JSON.createObjectNode().put("inputs", text))).get(0);
      assertThat(tokens.size()).as(text).isEqualTo(reference.path("ids").size());
      for (int i = 0; i < tokens.size(); i++) {
        JsonNode token = tokens.get(i);
        assertThat(token.path("id").asInt())
            .as(text + " token " + i)
            .isEqualTo(reference.path("ids").get(i).asInt());
        boolean special = i == 0 || i == tokens.size() - 1;
        assertThat(token.path("special").asBoolean()).isEqualTo(special);
        if (special) {
          assertThat(token.path("start").isNull()).isTrue();
          assertThat(token.path("text").asText())
              .isEqualTo(reference.path("tokens").get(i).asText());
        } else {
          int start = reference.path("offsets").get(i).get(0).asInt();
          int stop = reference.path("offsets").get(i).get(1).asInt();
          String covered =
              text.codePoints()
                  .skip(start)
                  .limit(stop - start)
                  .collect(
                      StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                  .toString();
          String before =
              text.codePoints()
                  .limit(start)
                  .collect(
                      StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                  .toString();
          assertThat(token.path("text").asText()).as(text + " token " + i).isEqualTo(covered);
          assertThat(token.path("start").asInt())
              .isEqualTo(before.getBytes(StandardCharsets.UTF_8).length);
          assertThat(token.path("stop").asInt())
              .isEqualTo(
                  before.getBytes(StandardCharsets.UTF_8).length
                      + covered.getBytes(StandardCharsets.UTF_8).length);
        }
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(5);
  }

  @Test
  void decodeInvertsTokenize() throws Exception {
    int[] ids = engine.tokenizer().encode(OTHER).ids();
    ObjectNode request = JSON.createObjectNode();
    ArrayNode array = request.putArray("ids");
    for (int id : ids) {
      array.add(id);
    }
    assertThat(ok(post("/decode", request)).get(0).asText()).isEqualTo(OTHER);
    assertThat(ok(post("/decode", request.put("skip_special_tokens", false))).get(0).asText())
        .startsWith("[CLS]")
        .endsWith("[SEP]");
  }

  @Test
  void infoDescribesTheClassifier() throws Exception {
    JsonNode info =
        JSON.readTree(
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.actualPort() + "/info"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertThat(info.path("model_id").asText()).isEqualTo("langid-modernbert");
    assertThat(info.path("max_input_length").asInt()).isEqualTo(8192);
    assertThat(info.at("/model_type/classifier/id2label").size())
        .isEqualTo(engine.config().numLabels());
    assertThat(info.at("/model_type/classifier/label2id/fr").isInt()).isTrue();
  }

  @Test
  void embedAllGivesEveryTokensHiddenState() throws Exception {
    ObjectNode request = JSON.createObjectNode();
    request.putArray("inputs").add(TEXT).add(OTHER);
    JsonNode answer = ok(post("/embed_all", request));
    assertThat(answer.size()).isEqualTo(2);
    List<EncodedDocument> direct =
        engine.encode(List.of(DocumentInput.text("a", TEXT), DocumentInput.text("b", OTHER)), true);
    for (int d = 0; d < 2; d++) {
      float[][] states = direct.get(d).lastHiddenState();
      assertThat(answer.get(d).size()).isEqualTo(states.length);
      for (int t = 0; t < states.length; t++) {
        assertClose(floats(answer.get(d).get(t)), states[t], 1e-5);
      }
    }
  }

  @Test
  void overLongInputsAre413UnlessTruncateAndThenKeepTheChosenEnd() throws Exception {
    String longText = (TEXT + " " + OTHER + " ").repeat(700);
    Encoding right = engine.tokenizer().encode(longText);
    assertThat(right.truncated()).isTrue();
    HttpResponse<String> refused = post("/embed", JSON.createObjectNode().put("inputs", longText));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
    assertThat(refused.body())
        .contains("must have less than 8192 tokens. Given: " + right.originalLength());

    float[] keptStart =
        floats(
            ok(post(
                    "/embed",
                    JSON.createObjectNode().put("inputs", longText).put("truncate", true)))
                .get(0));
    float[] keptEnd =
        floats(
            ok(post(
                    "/embed",
                    JSON.createObjectNode()
                        .put("inputs", longText)
                        .put("truncate", true)
                        .put("truncation_direction", "Left")))
                .get(0));
    Encoding left = engine.tokenizer().encodeKeepingEnd(longText);
    List<EncodedDocument> direct =
        engine.encode(
            List.of(DocumentInput.ids("right", right.ids()), DocumentInput.ids("left", left.ids())),
            false);
    assertClose(keptStart, normalized(direct.get(0).embedding()), 1e-5);
    assertClose(keptEnd, normalized(direct.get(1).embedding()), 1e-5);
  }

  private static float[] normalized(float[] vector) {
    return Vectors.scaled(vector, !engine.pooling().normalize());
  }

  @Test
  void everyRouteIsInTheOpenApiDocument() throws Exception {
    IngestionApi api =
        new IngestionApi(
            null,
            scheduler,
            Duration.ofSeconds(1),
            HttpLimits.defaults(),
            () -> true,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    java.util.Set<String> routes = new java.util.TreeSet<>();
    api.router(vertx).getRoutes().stream()
        .map(io.vertx.ext.web.Route::getPath)
        .filter(
            path ->
                path != null && !path.endsWith("*") && !path.endsWith("/")) // not the /v1/* guard
        .forEach(routes::add);
    JsonNode document =
        JSON.readTree(
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.actualPort() + "/openapi.json"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    java.util.Set<String> documented = new java.util.TreeSet<>();
    document.path("paths").fieldNames().forEachRemaining(documented::add);
    assertThat(documented).containsAll(routes);
    assertThat(routes).contains("/v1/embeddings", "/tokenize", "/decode", "/info", "/embed_all");
  }
}
