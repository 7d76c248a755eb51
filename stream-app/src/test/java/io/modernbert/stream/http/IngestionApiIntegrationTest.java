package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Document;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.kafka.KafkaClientConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP ingestion against the in-process broker, over real HTTP: contents, and every error case.
 */
@ExtendWith(VertxExtension.class)
class IngestionApiIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "http-documents";

  @TempDir static Path dataDir;
  private static EmbeddedKafka kafka;
  private static DocumentPublisher publisher;

  private HttpServer server;
  private WebClient client;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
    kafka.createTopics(Map.of(TOPIC, 1));
    publisher =
        new DocumentPublisher(
            KafkaClientConfig.of(kafka.bootstrapServers()), TOPIC, "ingestion-api-test");
  }

  @AfterAll
  static void stopBroker() {
    publisher.close();
    kafka.close();
  }

  @BeforeEach
  void startServer(Vertx vertx) throws Exception {
    server =
        start(
            vertx,
            HttpLimits.defaults()
                .withMaxItems(5)
                .withMaxBodyBytes(64 * 1024)
                .withMaxDocumentBytes(1000));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpServer start(Vertx vertx, HttpLimits limits) throws Exception {
    return start(vertx, limits, HttpSettings.loopback(0));
  }

  private static HttpServer start(Vertx vertx, HttpLimits limits, HttpSettings settings)
      throws Exception {
    IngestionApi api =
        new IngestionApi(
            publisher,
            null,
            Duration.ZERO,
            limits,
            settings,
            () -> true,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return vertx
        .createHttpServer()
        .requestHandler(api.router(vertx))
        .listen(0)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> post(HttpServer target, String path, String body, String... headers)
      throws Exception {
    var request = client.post(target.actualPort(), "127.0.0.1", path);
    for (int i = 0; i < headers.length; i += 2) {
      request.putHeader(headers[i], headers[i + 1]);
    }
    return request
        .sendBuffer(Buffer.buffer(body))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return client
        .get(server.actualPort(), "127.0.0.1", path)
        .send()
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static List<Document> topicContents() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "http-test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<Document> documents = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Document document = AvroSerdes.DOCUMENT.decode(record.value());
          assertThat(record.key()).isEqualTo(document.getId());
          documents.add(document);
        }
      }
    }
    return documents;
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String fragment)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    JsonNode body = JSON.readTree(response.bodyAsString());
    assertThat(body.get("error").asText()).contains(fragment);
    assertThat(body.get("error_type").asText()).isNotBlank();
  }

  @Test
  void shouldProducePostedDocumentsWithTheirAvroContentAndAnswer202() throws Exception {
    String marker = UUID.randomUUID().toString();
    HttpResponse<Buffer> single =
        post(
            server,
            "/v1/documents",
            "{\"id\":\"one-"
                + marker
                + "\",\"text\":\"Bonjour tout le monde\",\"attributes\":{\"source\":\"test\"}}");
    HttpResponse<Buffer> array =
        post(
            server,
            "/v1/documents",
            "[{\"id\":\"two-"
                + marker
                + "\",\"text\":\"Hallo\"},{\"id\":\"three-"
                + marker
                + "\",\"text\":\"Ciao\"}]");
    HttpResponse<Buffer> ndjson =
        post(
            server,
            "/v1/documents",
            "{\"id\":\"four-"
                + marker
                + "\",\"text\":\"Hola\"}\n{\"id\":\"five-"
                + marker
                + "\",\"text\":\"Olá\"}\n",
            "content-type",
            "application/x-ndjson");

    assertThat(single.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(single.bodyAsString()).get("ids").get(0).asText())
        .isEqualTo("one-" + marker);
    assertThat(JSON.readTree(array.bodyAsString()).get("accepted").asInt()).isEqualTo(2);
    assertThat(ndjson.statusCode()).isEqualTo(202);
    List<Document> mine = topicContents().stream().filter(d -> d.getId().endsWith(marker)).toList();
    assertThat(mine)
        .extracting(Document::getId)
        .containsExactly(
            "one-" + marker,
            "two-" + marker,
            "three-" + marker,
            "four-" + marker,
            "five-" + marker);
    assertThat(mine.get(0).getText()).isEqualTo("Bonjour tout le monde");
    assertThat(mine.get(0).getAttributes()).containsEntry("source", "test");
    assertThat(mine.get(4).getText()).isEqualTo("Olá");
  }

  @Test
  void shouldProduceNothingForARejectedRequest() throws Exception {
    String marker = UUID.randomUUID().toString();
    HttpResponse<Buffer> response =
        post(
            server,
            "/v1/documents",
            "[{\"id\":\"ok-"
                + marker
                + "\",\"text\":\"fine\"},{\"id\":\"bad-"
                + marker
                + "\",\"text\":\"\"}]");

    assertError(response, 400, "\"text\" must be a non-empty string");
    assertThat(topicContents()).noneMatch(d -> d.getId().endsWith(marker));
  }

  @Test
  void shouldAnswer400ForMalformedJsonAndMissingFields() throws Exception {
    assertError(post(server, "/v1/documents", "{\"id\": \"x\", \"text\": "), 400, "malformed JSON");
    assertError(
        post(server, "/v1/documents", "{\"text\": \"no id\"}"),
        400,
        "\"id\" must be a non-empty string");
    assertError(post(server, "/v1/documents", "[1, 2]"), 400, "not a JSON object");
    assertError(post(server, "/v1/documents", ""), 400, "empty body");
  }

  @Test
  void shouldAnswer413ForTooManyItemsTooLargeDocumentsAndBodies() throws Exception {
    StringBuilder six = new StringBuilder("[");
    for (int i = 0; i < 6; i++) {
      six.append(i == 0 ? "" : ",").append("{\"id\":\"d").append(i).append("\",\"text\":\"t\"}");
    }
    assertError(post(server, "/v1/documents", six + "]"), 413, "the limit is 5");
    assertError(
        post(server, "/v1/documents", "{\"id\":\"long\",\"text\":\"" + "y".repeat(1001) + "\"}"),
        413,
        "has 1001 bytes of text; the limit is 1000");
    assertError(
        post(
            server, "/v1/documents", "{\"id\":\"big\",\"text\":\"" + "x".repeat(70 * 1024) + "\"}"),
        413,
        "request body over");
  }

  @Test
  void shouldAnswer404ForUnknownRoutes() throws Exception {
    assertError(post(server, "/v2/nothing", "{}"), 404, "no route POST /v2/nothing");
  }

  @Test
  void shouldAnswer401WithoutAValidKeyWhenKeysAreConfigured(Vertx vertx) throws Exception {
    HttpServer secured =
        start(
            vertx,
            HttpLimits.defaults(),
            HttpSettings.loopback(0).withKeys(ApiKeys.of(Set.of("s3cret"), null)));
    try {
      assertError(post(secured, "/v1/documents", "{\"id\":\"k\",\"text\":\"t\"}"), 401, "API key");
      assertError(
          post(
              secured,
              "/v1/documents",
              "{\"id\":\"k\",\"text\":\"t\"}",
              "Authorization",
              "Bearer wrong"),
          401,
          "API key");
      assertThat(
              post(
                      secured,
                      "/v1/documents",
                      "{\"id\":\"k\",\"text\":\"t\"}",
                      "Authorization",
                      "Bearer s3cret")
                  .statusCode())
          .isEqualTo(202);
      assertThat(
              post(
                      secured,
                      "/v1/documents",
                      "{\"id\":\"k2\",\"text\":\"t\"}",
                      "X-API-Key",
                      "s3cret")
                  .statusCode())
          .isEqualTo(202);
    } finally {
      secured.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldAnswer429WhenTooManyRequestsAreInFlight(Vertx vertx) throws Exception {
    HttpServer saturated = start(vertx, HttpLimits.defaults().withMaxInFlight(0));
    try {
      assertError(
          post(saturated, "/v1/documents", "{\"id\":\"x\",\"text\":\"t\"}"),
          429,
          "requests in flight");
    } finally {
      saturated.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldServeHealthReadinessAndPrometheusMetrics() throws Exception {
    assertThat(JSON.readTree(get("/health").bodyAsString()).get("status").asText()).isEqualTo("UP");
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.getHeader("content-type")).startsWith("text/plain");
    JsonNode openApi = JSON.readTree(get("/openapi.json").bodyAsString());
    assertThat(openApi.get("openapi").asText()).startsWith("3.");
    assertThat(openApi.get("paths").fieldNames())
        .toIterable()
        .contains("/v1/documents", "/embed", "/predict", "/health");
  }
}
