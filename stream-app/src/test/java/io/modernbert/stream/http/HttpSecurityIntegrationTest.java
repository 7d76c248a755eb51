package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.kafka.KafkaClientConfig;
import io.modernbert.stream.scheduler.BatchScheduler;
import io.modernbert.stream.scheduler.PassObserver;
import io.modernbert.stream.scheduler.SchedulerSettings;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call the API, over real HTTP on loopback against the running application: keys on every
 * route of openapi.json but the probes and the description, key file reload, CORS, the metrics
 * port, error bodies without internals, no uploads on disk, strict UTF-8.
 */
class HttpSecurityIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> OPEN = Set.of("/health", "/ready", "/openapi.json");

  @TempDir static Path dataDir;
  private static HttpTestServer fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = HttpTestServer.start(dataDir, "http-security");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static HttpSettings withKeys(String... keys) {
    return HttpSettings.loopback(0).withKeys(ApiKeys.of(List.of(keys), null));
  }

  @Test
  void shouldAnswer401OnEveryRouteOfTheOpenApiButTheProbesAndTheDescription() throws Exception {
    try (HttpService http = fixture.serve(withKeys("k-1", "k-2"), HttpLimits.defaults())) {
      HttpResponse<String> description = fixture.send(http.port(), "GET", "/openapi.json", null);
      assertThat(description.statusCode()).isEqualTo(200);
      List<String> checked = new ArrayList<>();
      JSON.readTree(description.body())
          .path("paths")
          .fields()
          .forEachRemaining(
              path ->
                  path.getValue()
                      .fieldNames()
                      .forEachRemaining(
                          method ->
                              checked.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
      assertThat(checked).hasSize(12);

      for (String route : checked) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(route.indexOf(' ') + 1);
        String body = method.equals("POST") ? "{}" : null;
        int anonymous = fixture.send(http.port(), method, path, body).statusCode();
        int wrongKey =
            fixture
                .send(http.port(), method, path, body, "Authorization", "Bearer k-3")
                .statusCode();
        int rightKey =
            fixture.send(http.port(), method, path, body, "X-API-Key", "k-2").statusCode();
        if (OPEN.contains(path)) {
          assertThat(anonymous).as(route).isNotEqualTo(401);
        } else {
          assertThat(anonymous).as(route).isEqualTo(401);
          assertThat(wrongKey).as(route).isEqualTo(401);
        }
        assertThat(rightKey).as(route).isNotEqualTo(401);
      }
      assertThat(fixture.send(http.port(), "GET", "/no/such/route", null).statusCode())
          .as("unknown routes say nothing without a key")
          .isEqualTo(401);
    }
  }

  @Test
  void shouldAcceptAKeyAddedToTheKeyFileWithinSecondsAndDropARemovedOne(@TempDir Path work)
      throws Exception {
    Path file = Files.writeString(work.resolve("api-keys"), "# rotation\nold-key\n");
    HttpSettings settings = HttpSettings.loopback(0).withKeys(ApiKeys.of(List.of(), file));
    try (HttpService http = fixture.serve(settings, HttpLimits.defaults())) {
      assertThat(
              fixture.send(http.port(), "GET", "/info", null, "X-API-Key", "old-key").statusCode())
          .isEqualTo(200);

      Files.writeString(file, "new-key\n");
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(2)));
      long start = System.nanoTime();
      int status = 0;
      while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
        status =
            fixture.send(http.port(), "GET", "/info", null, "X-API-Key", "new-key").statusCode();
        if (status == 200) {
          break;
        }
        Thread.sleep(100);
      }
      System.out.printf(
          "key file reload seen after %d ms%n", (System.nanoTime() - start) / 1_000_000);

      assertThat(status).isEqualTo(200);
      assertThat(
              fixture.send(http.port(), "GET", "/info", null, "X-API-Key", "old-key").statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void shouldRefuseBrowsersCrossOriginRequestsWithoutConfiguredOrigins() throws Exception {
    try (HttpService http = fixture.serve(HttpSettings.loopback(0), HttpLimits.defaults())) {
      // What a web page can send without a preflight: a "simple" text/plain POST.
      HttpResponse<String> simple =
          fixture.send(
              http.port(),
              "POST",
              "/v1/documents",
              "{\"id\":\"csrf\",\"text\":\"from a web page\"}",
              "Origin",
              "https://evil.example",
              "Content-Type",
              "text/plain");
      HttpResponse<String> preflight =
          fixture.send(
              http.port(),
              "OPTIONS",
              "/embed",
              null,
              "Origin",
              "https://evil.example",
              "Access-Control-Request-Method",
              "POST");

      assertThat(simple.statusCode()).isEqualTo(403);
      assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(preflight.statusCode()).isEqualTo(403);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void shouldAllowTheConfiguredOriginsOnly() throws Exception {
    HttpSettings settings = withKeys("k").withCorsOrigins(List.of("https://app.example"));
    try (HttpService http = fixture.serve(settings, HttpLimits.defaults())) {
      HttpResponse<String> preflight =
          fixture.send(
              http.port(),
              "OPTIONS",
              "/embed",
              null,
              "Origin",
              "https://app.example",
              "Access-Control-Request-Method",
              "POST",
              "Access-Control-Request-Headers",
              "authorization,content-type");
      HttpResponse<String> call =
          fixture.send(
              http.port(),
              "POST",
              "/embed",
              "{\"inputs\":\"Hello\"}",
              "Origin",
              "https://app.example",
              "Authorization",
              "Bearer k");
      HttpResponse<String> other =
          fixture.send(
              http.port(),
              "POST",
              "/embed",
              "{\"inputs\":\"Hello\"}",
              "Origin",
              "https://evil.example",
              "Authorization",
              "Bearer k");

      assertThat(preflight.statusCode()).isBetween(200, 204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://app.example");
      assertThat(call.statusCode()).isEqualTo(200);
      assertThat(call.headers().firstValue("Access-Control-Allow-Origin"))
          .hasValue("https://app.example");
      assertThat(other.statusCode()).isEqualTo(403);
    }
  }

  @Test
  void shouldServeMetricsOnTheirOwnPortWithoutKeysAndNotOnTheApiPort() throws Exception {
    try (HttpService http =
        fixture.serve(withKeys("k").withMetricsPort(0), HttpLimits.defaults())) {
      HttpResponse<String> metrics = fixture.send(http.metricsPort(), "GET", "/metrics", null);
      HttpResponse<String> onApiPort =
          fixture.send(http.port(), "GET", "/metrics", null, "X-API-Key", "k");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
      assertThat(http.metricsPort()).isNotEqualTo(http.port());
      assertThat(onApiPort.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void shouldAnswerInternalFailuresWithARequestIdAndNoExceptionText() throws Exception {
    Path tiny = StreamFixtures.SHARED.resolve("fixtures/tiny-classifier");
    InferenceEngine engine = InferenceEngine.load(tiny, StreamFixtures.engineOptions());
    DocumentPublisher closed =
        new DocumentPublisher(
            KafkaClientConfig.of(fixture.kafka.bootstrapServers()),
            "closed-publisher",
            "closed-publisher-test");
    closed.close();
    try (BatchScheduler scheduler =
            new BatchScheduler(
                engine, SchedulerSettings.of(8192, Duration.ofMillis(50)), PassObserver.NONE);
        HttpService http =
            HttpTestServer.serve(
                HttpSettings.loopback(0), HttpLimits.defaults(), scheduler, closed)) {
      engine.close(); // the tokenizer now throws, naming its file
      HttpResponse<String> embed =
          fixture.send(http.port(), "POST", "/embed", "{\"inputs\":\"Hola\"}");
      HttpResponse<String> ingest =
          fixture.send(http.port(), "POST", "/v1/documents", "{\"id\":\"a\",\"text\":\"b\"}");
      HttpResponse<String> tokenize =
          fixture.send(http.port(), "POST", "/tokenize", "{\"inputs\":\"Hola\"}");

      for (HttpResponse<String> response : List.of(embed, ingest, tokenize)) {
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(response.statusCode()).as(response.body()).isIn(500, 503);
        assertThat(response.body())
            .contains("request id " + requestId)
            .doesNotContain("closed")
            .doesNotContain("Exception")
            .doesNotContain(tiny.toString());
      }
    }
  }

  @Test
  void shouldKeepMultipartUploadsOffTheDisk() throws Exception {
    Path uploads = Path.of("file-uploads").toAbsolutePath();
    boolean existedBefore = Files.exists(uploads); // by an older build: compare its contents
    List<Path> before = existedBefore ? listing(uploads) : List.of();
    try (HttpService http = fixture.serve(HttpSettings.loopback(0), HttpLimits.defaults())) {
      String boundary = "b0undary";
      String multipart =
          "--"
              + boundary
              + "\r\n"
              + "Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
              + "Content-Type: application/octet-stream\r\n\r\n"
              + "x".repeat(200_000)
              + "\r\n"
              + "--"
              + boundary
              + "--\r\n";
      for (String path : List.of("/v1/documents", "/embed", "/tokenize", "/v1/embeddings")) {
        HttpResponse<String> response =
            fixture.send(
                http.port(),
                "POST",
                path,
                multipart,
                "Content-Type",
                "multipart/form-data; boundary=" + boundary);
        assertThat(response.statusCode()).as(path).isEqualTo(400);
      }
    }
    assertThat(Files.exists(uploads)).as(uploads.toString()).isEqualTo(existedBefore);
    if (existedBefore) {
      assertThat(listing(uploads)).isEqualTo(before);
    }
  }

  private static List<Path> listing(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void shouldAnswer400ForInvalidUtf8AndTokenIdsOutsideTheVocabulary() throws Exception {
    try (HttpService http = fixture.serve(HttpSettings.loopback(0), HttpLimits.defaults())) {
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + http.port() + "/v1/documents"))
              .POST(
                  java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                      new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"', '}'}))
              .build();
      HttpResponse<String> invalid =
          fixture.client.send(request, HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> decode =
          fixture.send(http.port(), "POST", "/decode", "{\"ids\":[1, 99999999]}");
      HttpResponse<String> negative =
          fixture.send(http.port(), "POST", "/decode", "{\"ids\":[[1], [-5]]}");
      HttpResponse<String> openAi =
          fixture.send(http.port(), "POST", "/v1/embeddings", "{\"input\":[[5, 2000000]]}");

      assertThat(invalid.statusCode()).isEqualTo(400);
      assertThat(invalid.body()).contains("not valid UTF-8");
      assertThat(decode.statusCode()).as(decode.body()).isEqualTo(400);
      assertThat(negative.statusCode()).as(negative.body()).isEqualTo(400);
      assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(400);
      assertThat(JSON.readTree(openAi.body()).at("/error/message").asText()).contains("2000000");
    }
  }

  @Test
  void shouldServeHttpsFromPemFiles(@TempDir Path work) throws Exception {
    SelfSignedPem pem = SelfSignedPem.write(work);
    HttpSettings settings = withKeys("k").withTls(pem.cert, pem.key);
    try (HttpService http = fixture.serve(settings, HttpLimits.defaults())) {
      java.net.http.HttpClient tls =
          java.net.http.HttpClient.newBuilder().sslContext(pem.trusting()).build();
      HttpResponse<String> info =
          tls.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("https://127.0.0.1:" + http.port() + "/info"))
                  .header("X-API-Key", "k")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(info.body()).path("model_id").asText())
          .isEqualTo("langid-modernbert");
      assertThat(info.sslSession())
          .hasValueSatisfying(session -> assertThat(session.getProtocol()).startsWith("TLS"));
      assertThatThrownBy(() -> fixture.send(http.port(), "GET", "/health", null))
          .as("plaintext to the TLS port")
          .isInstanceOf(java.io.IOException.class);
    }
  }
}
