package io.modernbert.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.Labels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose stack as a user brings it up: builds the service image from the context {@code
 * package} assembled, starts Kafka, the service and Prometheus from {@code deploy/compose}, posts
 * documents over HTTP, reads their labels from the output topic, and finds the service's series in
 * Prometheus through its query API. Then tears everything down, volumes included.
 *
 * <p>Images: {@code MODERNBERT_BASE_IMAGE}, {@code MODERNBERT_KAFKA_IMAGE} and {@code
 * MODERNBERT_PROMETHEUS_IMAGE} replace the public ones on machines without a registry ({@code
 * deploy/local/docker-engine.sh --print-env}). Grafana is not started: no local image of it exists;
 * its dashboard's queries are checked against this stack's live {@code /metrics} instead.
 */
class ComposeStackIntegrationTest {
  private static final Path COMPOSE_FILE = DeployFiles.path("deploy/compose/docker-compose.yml");
  private static final String IMAGE = "modernbert-stream:compose-test";
  private static final String PROJECT = "modernbert-it-" + ProcessHandle.current().pid();
  private static final Map<String, String> KNOWN =
      Map.of(
          "known-fr", "Impossible d'ouvrir le fichier de configuration.",
          "known-de", "Die Konfigurationsdatei konnte nicht geöffnet werden.",
          "known-ja", "設定ファイルを開けませんでした。",
          "known-ru", "Не удалось открыть файл конфигурации.");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Map<String, String> ENVIRONMENT = new HashMap<>();
  private static int servicePort;
  private static int kafkaPort;
  private static int prometheusPort;
  private static boolean started;

  @BeforeAll
  static void buildImageAndStartStack() throws Exception {
    Commands.requireOrSkip(
        "MODERNBERT_REQUIRE_DOCKER", "a Docker engine", Commands.available("docker", "info"));
    Commands.requireOrSkip(
        "MODERNBERT_REQUIRE_DOCKER",
        "docker-compose",
        Commands.available("docker-compose", "version"));
    Path context = DeployFiles.path("deploy/target/docker");
    assertThat(context.resolve("lib"))
        .as("`package` assembles the image's build context")
        .isDirectory();

    long buildStart = System.nanoTime();
    Commands.run(
        DeployFiles.repository(),
        Map.of("DOCKER_BUILDKIT", "0"),
        Duration.ofMinutes(10),
        List.of(
            "docker",
            "build",
            "-q",
            "-t",
            IMAGE,
            "--build-arg",
            "BASE_IMAGE=" + setting("MODERNBERT_BASE_IMAGE", "eclipse-temurin:17-jre"),
            context.toString()));
    double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
    long imageBytes =
        Long.parseLong(
            Commands.run(
                    DeployFiles.repository(),
                    Map.of(),
                    Duration.ofMinutes(1),
                    List.of("docker", "image", "inspect", "-f", "{{.Size}}", IMAGE))
                .trim());

    servicePort = freePort();
    kafkaPort = freePort();
    prometheusPort = freePort();
    ENVIRONMENT.put("MODERNBERT_IMAGE", IMAGE);
    ENVIRONMENT.put(
        "KAFKA_IMAGE",
        setting("MODERNBERT_KAFKA_IMAGE", "apache/kafka:" + System.getProperty("kafka.version")));
    ENVIRONMENT.put(
        "PROMETHEUS_IMAGE", setting("MODERNBERT_PROMETHEUS_IMAGE", "prom/prometheus:v3.5.0"));
    ENVIRONMENT.put("MODERNBERT_HOST_PORT", Integer.toString(servicePort));
    ENVIRONMENT.put("KAFKA_HOST_PORT", Integer.toString(kafkaPort));
    ENVIRONMENT.put("PROMETHEUS_HOST_PORT", Integer.toString(prometheusPort));
    ENVIRONMENT.put("PARTITIONS", "3");

    long upStart = System.nanoTime();
    started = true;
    compose(Duration.ofMinutes(5), "up", "-d", "--no-build", "kafka", "modernbert", "prometheus");
    awaitTrue(
        Duration.ofMinutes(4), "the service's /ready", () -> get("/ready").statusCode() == 200);
    double upToReady = (System.nanoTime() - upStart) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "COMPOSE image %s: %.0f MB, built in %.1f s; `up` to /ready 200: %.1f s%n",
        IMAGE,
        imageBytes / 1e6,
        buildSeconds,
        upToReady);
  }

  @AfterAll
  static void tearDown() {
    if (!started) {
      return;
    }
    Commands.Result logs =
        Commands.tryRun(
            DeployFiles.repository(),
            ENVIRONMENT,
            Duration.ofMinutes(1),
            List.of(
                "docker-compose",
                "-f",
                COMPOSE_FILE.toString(),
                "-p",
                PROJECT,
                "logs",
                "--no-color",
                "--tail",
                "40"),
            null);
    System.out.println("compose logs (last lines of each service):\n" + logs.output());
    compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
  }

  @Test
  void documentsPostedOverHttpComeOutLabelledOnTheOutputTopic() throws Exception {
    StringBuilder body = new StringBuilder("[");
    KNOWN.forEach(
        (id, text) ->
            body.append(body.length() > 1 ? "," : "")
                .append(DeployFiles.JSON.createObjectNode().put("id", id).put("text", text)));
    body.append(']');
    HttpResponse<String> accepted =
        HTTP.send(
            HttpRequest.newBuilder(service("/v1/documents"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    Map<String, String> topLabels = readLabels(KNOWN.size(), Duration.ofMinutes(2));
    assertThat(topLabels)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("known-fr", "fr", "known-de", "de", "known-ja", "ja", "known-ru", "ru"));
  }

  @Test
  void theKubernetesProbePathsAnswerOnTheRunningImage() throws Exception {
    JsonNode container = DeploymentSettingsTest.container();
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      String path = container.at("/" + probe + "/httpGet/path").asText();
      assertThat(get(path).statusCode()).as(probe + " " + path).isEqualTo(200);
    }
  }

  @Test
  void prometheusScrapesTheServiceAndTheDashboardReadsOnlyExportedMetrics() throws Exception {
    String query =
        URLEncoder.encode("count({__name__=~\"modernbert_.+\"})", StandardCharsets.UTF_8);
    URI uri = URI.create("http://localhost:" + prometheusPort + "/api/v1/query?query=" + query);
    JsonNode[] answer = new JsonNode[1];
    awaitTrue(
        Duration.ofMinutes(2),
        "modernbert series in Prometheus",
        () -> {
          answer[0] =
              DeployFiles.JSON.readTree(
                  HTTP.send(
                          HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                      .body());
          return answer[0].at("/data/result").size() == 1;
        });
    int series = answer[0].at("/data/result/0/value/1").asInt();
    System.out.println("COMPOSE Prometheus holds " + series + " modernbert series");
    assertThat(series).isGreaterThan(10);

    Set<String> exposed = DashboardQueries.exposed(get("/metrics").body());
    Set<String> queried =
        DashboardQueries.metricNames(
            DeployFiles.json("deploy/compose/grafana/dashboards/modernbert.json"));
    assertThat(queried).isNotEmpty();
    assertThat(exposed)
        .as("metrics the dashboard queries, on the live /metrics")
        .containsAll(queried);
  }

  private static Map<String, String> readLabels(int count, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            "localhost:" + kafkaPort,
            ConsumerConfig.GROUP_ID_CONFIG,
            "compose-test-" + System.nanoTime(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    Map<String, String> top = new HashMap<>();
    try (KafkaConsumer<String, Labels> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), AvroSerdes.LABELS.deserializer())) {
      consumer.subscribe(List.of("labels"));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (top.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Labels> record : consumer.poll(Duration.ofMillis(500))) {
          top.put(record.key(), record.value().getLabels().get(0).getLabel());
        }
      }
    }
    return top;
  }

  private static String setting(String variable, String fallback) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static void compose(Duration timeout, String... arguments) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("docker-compose", "-f", COMPOSE_FILE.toString(), "-p", PROJECT));
    command.addAll(List.of(arguments));
    Commands.run(DeployFiles.repository(), ENVIRONMENT, timeout, command);
  }

  private static URI service(String path) {
    return URI.create("http://localhost:" + servicePort + path);
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(service(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitTrue(Duration timeout, String what, Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (IOException e) {
        last = e; // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
