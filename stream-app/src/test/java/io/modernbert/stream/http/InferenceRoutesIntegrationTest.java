package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.model.checkpoint.RandomCheckpoint;
import io.modernbert.model.checkpoint.SafetensorsDType;
import io.modernbert.model.engine.DocumentInput;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.kafka.KafkaClientConfig;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.PassObserver;
import io.modernbert.stream.scheduler.SchedulerSettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /embed} and {@code /predict} on the running application's batch scheduler (the one the
 * topology uses), in-process broker, real HTTP.
 */
@ExtendWith(VertxExtension.class)
class InferenceRoutesIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;
  private static StreamApp app;
  private static DocumentPublisher publisher;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
    AppConfig config =
        AppConfig.defaults(kafka.bootstrapServers(), StreamFixtures.LANGID_MODEL)
            .withApplicationId("http-sync")
            .withEngine(StreamFixtures.engineOptions())
            .withStateDir(dataDir.resolve("state"));
    app =
        StreamApp.start(
            config,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            1,
            Duration.ofMinutes(2));
    publisher =
        new DocumentPublisher(
            KafkaClientConfig.of(kafka.bootstrapServers()),
            config.topics().documents(),
            "inference-routes-test");
  }

  @AfterAll
  static void stop() {
    publisher.close();
    app.close();
    kafka.close();
  }

  private static HttpResponse<Buffer> post(Vertx vertx, Duration timeout, String path, String body)
      throws Exception {
    return post(vertx, app.scheduler(), timeout, path, body);
  }

  private static HttpResponse<Buffer> post(
      Vertx vertx, BatchScheduler scheduler, Duration timeout, String path, String body)
      throws Exception {
    IngestionApi api =
        new IngestionApi(
            publisher,
            scheduler,
            timeout,
            HttpLimits.defaults(),
            () -> true,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(api.router(vertx))
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      return WebClient.create(vertx)
          .post(server.actualPort(), "127.0.0.1", path)
          .sendBuffer(Buffer.buffer(body))
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldEmbedLikeTheEngineItself(Vertx vertx) throws Exception {
    String text = "Impossible d'ouvrir le fichier de configuration.";
    HttpResponse<Buffer> response =
        post(
            vertx,
            Duration.ofSeconds(30),
            "/embed",
            "{\"inputs\": [\"" + text + "\"], \"normalize\": false}");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonNode vectors = JSON.readTree(response.bodyAsString());
    assertThat(vectors).hasSize(1);
    float[] expected =
        app.engine().encode(List.of(DocumentInput.text("x", text)), false).get(0).embedding();
    assertThat(vectors.get(0)).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(vectors.get(0).get(i).asDouble())
          .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void shouldNormalizeEmbeddingsByDefaultAsTextEmbeddingsInference(Vertx vertx) throws Exception {
    HttpResponse<Buffer> response =
        post(vertx, Duration.ofSeconds(30), "/embed", "{\"inputs\": \"Hello world\"}");

    JsonNode vector = JSON.readTree(response.bodyAsString()).get(0);
    double norm = 0;
    for (JsonNode value : vector) {
      norm += value.asDouble() * value.asDouble();
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void shouldPredictFrenchAndJapanese(Vertx vertx) throws Exception {
    HttpResponse<Buffer> single =
        post(
            vertx,
            Duration.ofSeconds(30),
            "/predict",
            "{\"inputs\": \"Impossible d'ouvrir le fichier de configuration.\"}");
    HttpResponse<Buffer> batch =
        post(
            vertx,
            Duration.ofSeconds(30),
            "/predict",
            "{\"inputs\": [\"設定ファイルを開けませんでした。\", \"Impossible d'ouvrir le fichier de configuration.\"]}");

    assertThat(JSON.readTree(single.bodyAsString()).get(0).get("label").asText()).isEqualTo("fr");
    JsonNode both = JSON.readTree(batch.bodyAsString());
    assertThat(both.get(0).get(0).get("label").asText()).isEqualTo("ja");
    assertThat(both.get(1).get(0).get("label").asText()).isEqualTo("fr");
    assertThat(both.get(0)).hasSize(24);
  }

  @Test
  void shouldAnswer504WhenTheResultDoesNotComeInTime(Vertx vertx) throws Exception {
    HttpResponse<Buffer> response =
        post(vertx, Duration.ofMillis(1), "/predict", "{\"inputs\": \"Hola\"}");

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(response.bodyAsString()).get("error_type").asText())
        .isEqualTo("Timeout");
  }

  @Test
  void shouldAnswer400AtOnceWhenAskedToPredictWithAModelThatIsNotAClassifier(
      Vertx vertx, @TempDir Path work) throws Exception {
    Path model = encoderOnlyModel(work);
    try (InferenceEngine engine = InferenceEngine.load(model, StreamFixtures.engineOptions());
        BatchScheduler encoderOnly =
            new BatchScheduler(
                engine, SchedulerSettings.of(8192, Duration.ofMillis(50)), PassObserver.NONE)) {
      HttpResponse<Buffer> response =
          post(vertx, encoderOnly, Duration.ofSeconds(60), "/predict", "{\"inputs\": \"Hola\"}");
      HttpResponse<Buffer> embedded =
          post(vertx, encoderOnly, Duration.ofSeconds(60), "/embed", "{\"inputs\": \"Hola\"}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(response.bodyAsString()).get("error").asText())
          .contains("not a classifier");
      assertThat(embedded.statusCode()).as(embedded.bodyAsString()).isEqualTo(200);
      assertThat(JSON.readTree(embedded.bodyAsString()).get(0)).hasSize(64);
    }
  }

  /**
   * The tiny test model's config as a plain ModernBertModel (no classifier head), random weights.
   */
  private static Path encoderOnlyModel(Path work) throws Exception {
    Path tiny = StreamFixtures.SHARED.resolve("fixtures/tiny-classifier");
    ObjectNode config = (ObjectNode) JSON.readTree(tiny.resolve("config.json").toFile());
    config.putArray("architectures").add("ModernBertModel");
    Path configFile = work.resolve("config.json");
    JSON.writeValue(configFile.toFile(), config);
    Path model = work.resolve("encoder-only");
    RandomCheckpoint.write(
        configFile, tiny.resolve("tokenizer.json"), model, SafetensorsDType.F32, 7);
    return model;
  }

  @Test
  void shouldAnswer400ForABadInferenceRequest(Vertx vertx) throws Exception {
    HttpResponse<Buffer> response =
        post(vertx, Duration.ofSeconds(5), "/embed", "{\"text\": \"no inputs\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.bodyAsString()).get("error").asText()).contains("inputs");
  }
}
