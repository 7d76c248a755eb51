package io.modernbert.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modernbert.stream.StreamMain;
import io.modernbert.stream.http.HttpLimits;
import io.modernbert.stream.http.IngestionApi;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Dockerfiles, the compose file and the Kubernetes manifests against the service's real options
 * and routes, so that a renamed option, a moved port or a renamed probe path fails the build
 * instead of a deployment.
 */
class DeploymentSettingsTest {
  /** Read by the image's launcher, not options of {@code run}. */
  private static final Set<String> LAUNCHER_VARIABLES =
      Set.of("MODERNBERT_JAVA_OPTS", "MODERNBERT_CONFIG");

  private static final Pattern DOCKERFILE_ENV = Pattern.compile("\\b(MODERNBERT_[A-Z_]+)=(\\S+)");

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  /**
   * MODERNBERT_&lt;OPTION&gt; for every option of {@code modernbert-stream run}, as
   * SettingsDefaults reads them.
   */
  static Set<String> runOptionVariables() {
    CommandLine run = new CommandLine(StreamMain.class).getSubcommands().get("run");
    assertThat(run).as("the run subcommand").isNotNull();
    return run.getCommandSpec().options().stream()
        .map(option -> option.longestName().replaceFirst("^--", ""))
        .filter(name -> !name.equals("help") && !name.equals("version"))
        .map(name -> "MODERNBERT_" + name.toUpperCase(Locale.ROOT).replace('-', '_'))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static Map<String, String> composeServiceEnvironment() {
    JsonNode environment =
        DeployFiles.yaml("deploy/compose/docker-compose.yml")
            .at("/services/modernbert/environment");
    Map<String, String> variables = new HashMap<>();
    environment
        .fields()
        .forEachRemaining(field -> variables.put(field.getKey(), field.getValue().asText()));
    return variables;
  }

  static Map<String, String> configMap() {
    Map<String, String> variables = new HashMap<>();
    DeployFiles.kubernetes("configmap.yaml", "ConfigMap")
        .path("data")
        .fields()
        .forEachRemaining(field -> variables.put(field.getKey(), field.getValue().asText()));
    return variables;
  }

  static JsonNode container() {
    return DeployFiles.kubernetes("statefulset.yaml", "StatefulSet")
        .at("/spec/template/spec/containers/0");
  }

  static Map<String, String> dockerfileEnvironment(String dockerfile) {
    Map<String, String> variables = new HashMap<>();
    Matcher matcher = DOCKERFILE_ENV.matcher(DeployFiles.text(dockerfile));
    while (matcher.find()) {
      variables.put(matcher.group(1), matcher.group(2));
    }
    return variables;
  }

  @Test
  void everyModernbertVariableIsAnOptionOfRun() {
    Set<String> options = runOptionVariables();
    assertThat(options)
        .contains("MODERNBERT_BOOTSTRAP_SERVERS", "MODERNBERT_MODEL", "MODERNBERT_HTTP_PORT");
    Map<String, Set<String>> used = new HashMap<>();
    used.put("compose", composeServiceEnvironment().keySet());
    used.put("ConfigMap", configMap().keySet());
    Set<String> statefulSetEnvironment = new TreeSet<>();
    container()
        .path("env")
        .forEach(variable -> statefulSetEnvironment.add(variable.path("name").asText()));
    used.put("StatefulSet", statefulSetEnvironment);
    used.put("Dockerfile", dockerfileEnvironment("deploy/docker/Dockerfile").keySet());
    used.put("Dockerfile.gpu", dockerfileEnvironment("deploy/docker/Dockerfile.gpu").keySet());
    used.forEach(
        (where, names) -> {
          assertThat(names).as(where + " sets some MODERNBERT_ variables").isNotEmpty();
          for (String name : names) {
            if (name.startsWith("MODERNBERT_") && !LAUNCHER_VARIABLES.contains(name)) {
              assertThat(options)
                  .as(where + ": " + name + " is not an option of `modernbert-stream run`")
                  .contains(name);
            }
          }
        });
  }

  @Test
  void everyPlaceAgreesOnTheHttpPort() {
    String port = dockerfileEnvironment("deploy/docker/Dockerfile").get("MODERNBERT_HTTP_PORT");
    assertThat(port).isEqualTo("8080");
    assertThat(DeployFiles.text("deploy/docker/Dockerfile")).contains("EXPOSE " + port);
    assertThat(dockerfileEnvironment("deploy/docker/Dockerfile.gpu"))
        .containsEntry("MODERNBERT_HTTP_PORT", port);
    // Compose: the variable, the published container port, Prometheus' target.
    assertThat(composeServiceEnvironment()).containsEntry("MODERNBERT_HTTP_PORT", port);
    JsonNode ports =
        DeployFiles.yaml("deploy/compose/docker-compose.yml").at("/services/modernbert/ports");
    assertThat(ports).hasSize(1);
    assertThat(ports.get(0).asText()).startsWith("127.0.0.1:").endsWith(":" + port);
    JsonNode target =
        DeployFiles.yaml("deploy/compose/prometheus.yml")
            .at("/scrape_configs/0/static_configs/0/targets/0");
    assertThat(target.asText()).isEqualTo("modernbert:" + port);
    // Kubernetes: the variable, the container port, the scrape annotation, the headless service.
    assertThat(configMap()).containsEntry("MODERNBERT_HTTP_PORT", port);
    assertThat(container().at("/ports/0/containerPort").asText()).isEqualTo(port);
    assertThat(container().at("/ports/0/name").asText()).isEqualTo("http");
    // Kubernetes scrapes the metrics port, which the NetworkPolicy admits beside the HTTP port.
    String metricsPort = configMap().get("MODERNBERT_METRICS_PORT");
    assertThat(container().at("/ports/1/containerPort").asText()).isEqualTo(metricsPort);
    JsonNode statefulSet = DeployFiles.kubernetes("statefulset.yaml", "StatefulSet");
    assertThat(
            statefulSet
                .at("/spec/template/metadata/annotations")
                .path("prometheus.io/port")
                .asText())
        .isEqualTo(metricsPort);
    assertThat(
            DeployFiles.kubernetes("networkpolicy.yaml", "NetworkPolicy")
                .at("/spec/ingress/0/ports")
                .findValuesAsText("port"))
        .containsExactlyInAnyOrder(port, metricsPort);
    for (JsonNode service : DeployFiles.yamlDocuments("deploy/k8s/base/services.yaml")) {
      assertThat(service.at("/spec/ports/0/targetPort").asText())
          .as(service.at("/metadata/name").asText())
          .isEqualTo("http");
    }
  }

  @Test
  void probeAndScrapePathsAreRoutesOfTheService() {
    IngestionApi api =
        new IngestionApi(
            null,
            HttpLimits.defaults(),
            () -> true,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    Set<String> routes =
        api.router(vertx).getRoutes().stream()
            .map(Route::getPath)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    String readiness = container().at("/readinessProbe/httpGet/path").asText();
    String liveness = container().at("/livenessProbe/httpGet/path").asText();
    String scrape =
        DeployFiles.yaml("deploy/compose/prometheus.yml")
            .at("/scrape_configs/0/metrics_path")
            .asText();
    String annotation =
        DeployFiles.kubernetes("statefulset.yaml", "StatefulSet")
            .at("/spec/template/metadata/annotations")
            .path("prometheus.io/path")
            .asText();
    assertThat(readiness).isEqualTo("/ready");
    assertThat(liveness).isEqualTo("/health");
    assertThat(routes).contains(readiness, liveness, scrape, annotation);
  }

  @Test
  void stateAndModelLiveOnTheVolumes() {
    String stateDir = dockerfileEnvironment("deploy/docker/Dockerfile").get("MODERNBERT_STATE_DIR");
    JsonNode mounts = container().path("volumeMounts");
    Map<String, String> mountPaths = new HashMap<>();
    mounts.forEach(
        mount -> mountPaths.put(mount.path("name").asText(), mount.path("mountPath").asText()));
    assertThat(stateDir).startsWith(mountPaths.get("state") + "/");
    assertThat(configMap().get("MODERNBERT_MODEL")).startsWith(mountPaths.get("models") + "/");
    assertThat(DeployFiles.text("deploy/docker/Dockerfile"))
        .contains("VOLUME [\"" + mountPaths.get("state") + "\"]");
    String composeVolume =
        DeployFiles.yaml("deploy/compose/docker-compose.yml")
            .at("/services/modernbert/volumes/0")
            .asText();
    assertThat(composeVolume).endsWith(":" + mountPaths.get("state"));
  }

  @Test
  void theAutoscalerWatchesTheServicesGroupAndTopic() {
    JsonNode trigger =
        DeployFiles.kubernetes("scaledobject.yaml", "ScaledObject").at("/spec/triggers/0");
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    JsonNode metadata = trigger.path("metadata");
    Map<String, String> settings = configMap();
    assertThat(metadata.path("consumerGroup").asText())
        .isEqualTo(settings.get("MODERNBERT_APPLICATION_ID"));
    assertThat(metadata.path("topic").asText())
        .isEqualTo(settings.get("MODERNBERT_DOCUMENTS_TOPIC"));
    assertThat(metadata.path("bootstrapServers").asText())
        .isEqualTo(settings.get("MODERNBERT_BOOTSTRAP_SERVERS"));
    assertThat(metadata.path("allowIdleConsumers").asText())
        .as("at most one replica per partition")
        .isEqualTo("false");
    JsonNode target =
        DeployFiles.kubernetes("scaledobject.yaml", "ScaledObject").at("/spec/scaleTargetRef");
    assertThat(target.path("kind").asText()).isEqualTo("StatefulSet");
    assertThat(target.path("name").asText())
        .isEqualTo(
            DeployFiles.kubernetes("statefulset.yaml", "StatefulSet")
                .at("/metadata/name")
                .asText());
  }

  @Test
  void thePodRunsLockedDown() {
    JsonNode pod =
        DeployFiles.kubernetes("statefulset.yaml", "StatefulSet").at("/spec/template/spec");
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    JsonNode security = container().path("securityContext");
    assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.at("/capabilities/drop/0").asText()).isEqualTo("ALL");
    // A read-only root needs a writable /tmp, where the image unpacks native libraries.
    assertThat(container().path("volumeMounts").findValuesAsText("mountPath")).contains("/tmp");
    assertThat(DeployFiles.text("deploy/docker/entrypoint.sh"))
        .contains("-Duser.home=/tmp")
        .contains("} -XX:+ExitOnOutOfMemoryError");
    // The same in the compose stack, which CI runs: the image works on a read-only root.
    JsonNode compose =
        DeployFiles.yaml("deploy/compose/docker-compose.yml").at("/services/modernbert");
    assertThat(compose.path("read_only").asBoolean()).isTrue();
    assertThat(compose.path("tmpfs").toString()).contains("/tmp");
  }

  @Test
  void probesStartThenWatchAndShutdownFitsTheGracePeriod() {
    JsonNode startup = container().path("startupProbe");
    assertThat(startup.isMissingNode()).as("startupProbe").isFalse();
    int startupSeconds =
        startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt();
    assertThat(startupSeconds)
        .as("a first start compiles for up to 2 minutes")
        .isGreaterThanOrEqualTo(120);
    assertThat(container().path("livenessProbe").has("initialDelaySeconds")).isFalse();
    int grace =
        DeployFiles.kubernetes("statefulset.yaml", "StatefulSet")
            .at("/spec/template/spec/terminationGracePeriodSeconds")
            .asInt();
    // Kafka Streams gets 30 s to commit and leave its group, the HTTP server up to 30 s to drain:
    // both must fit before the kubelet's SIGKILL.
    assertThat(grace).isGreaterThan(30 + 10);
  }

  @Test
  void theApiNeedsKeysFromASecretOnKubernetes() {
    assertThat(configMap()).doesNotContainKey("MODERNBERT_ALLOW_UNAUTHENTICATED");
    String keysFile = configMap().get("MODERNBERT_API_KEYS_FILE");
    assertThat(keysFile).isNotBlank();
    boolean mounted = false;
    for (JsonNode mount : container().path("volumeMounts")) {
      mounted |=
          mount.path("name").asText().equals("api-keys")
              && keysFile.startsWith(mount.path("mountPath").asText() + "/");
    }
    assertThat(mounted).as("the keys file is on the mounted Secret").isTrue();
  }

  @Test
  void kafkaCredentialsComeFromTheSecretForTheServiceAndKeda() {
    JsonNode secret = DeployFiles.kubernetes("kafka-secret.yaml", "Secret");
    assertThat(secret.at("/stringData/client.properties").asText())
        .contains("security.protocol=SASL_SSL")
        .contains("${file:/etc/modernbert/kafka/secrets.properties:password}")
        .doesNotContain("change-me");
    boolean configNamed = false;
    for (JsonNode variable : container().path("env")) {
      configNamed |=
          variable.path("name").asText().equals("MODERNBERT_KAFKA_CONFIG")
              && variable.path("value").asText().equals("/etc/modernbert/kafka/client.properties");
    }
    assertThat(configNamed).as("MODERNBERT_KAFKA_CONFIG names the mounted file").isTrue();
    assertThat(
            DeployFiles.kubernetes("scaledobject.yaml", "ScaledObject")
                .at("/spec/triggers/0/authenticationRef/name")
                .asText())
        .isEqualTo(
            DeployFiles.kubernetes("keda-auth.yaml", "TriggerAuthentication")
                .at("/metadata/name")
                .asText());
  }

  @Test
  void eachPodIsAStaticMemberNamedAfterItself() {
    JsonNode instanceId = null;
    for (JsonNode variable : container().path("env")) {
      if (variable.path("name").asText().equals("MODERNBERT_INSTANCE_ID")) {
        instanceId = variable;
      }
    }
    assertThat(instanceId).as("MODERNBERT_INSTANCE_ID in the StatefulSet").isNotNull();
    assertThat(instanceId.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
    assertThat(composeServiceEnvironment()).containsKey("MODERNBERT_INSTANCE_ID");
  }

  @Test
  void theDashboardIsValidJsonOnTheProvisionedDatasource() {
    JsonNode dashboard = DeployFiles.json("deploy/compose/grafana/dashboards/modernbert.json");
    String datasource =
        DeployFiles.yaml("deploy/compose/grafana/provisioning/datasources/prometheus.yml")
            .at("/datasources/0/uid")
            .asText();
    assertThat(dashboard.path("panels")).isNotEmpty();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.at("/datasource/uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo(datasource);
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
    }
    assertThat(DashboardQueries.metricNames(dashboard))
        .contains(
            "modernbert_tokens_total",
            "modernbert_end_to_end_latency_seconds",
            "modernbert_dead_letters_total",
            "modernbert_pass_padding_ratio_sum",
            "kafka_consumer_fetch_manager_records_lag_max");
  }
}
