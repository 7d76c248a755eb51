package io.modernbert.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization renders with {@code kubectl kustomize} and every rendered object validates
 * against the Kubernetes and KEDA schemas ({@code deploy/k8s/validate}, offline, on Node). Needs
 * kubectl and Node: skipped without them, failed without them when {@code
 * MODERNBERT_REQUIRE_TOOLS=true}.
 */
class KubernetesManifestsIntegrationTest {
  private static final Path VALIDATOR = DeployFiles.path("deploy/k8s/validate");

  @BeforeAll
  static void installValidator() {
    Commands.requireOrSkip(
        "MODERNBERT_REQUIRE_TOOLS",
        "kubectl",
        Commands.available("kubectl", "version", "--client"));
    Commands.requireOrSkip(
        "MODERNBERT_REQUIRE_TOOLS",
        "node and npm",
        Commands.available("node", "--version") && Commands.available("npm", "--version"));
    if (!Files.isDirectory(VALIDATOR.resolve("node_modules"))) {
      Commands.run(
          VALIDATOR,
          Map.of(),
          Duration.ofMinutes(3),
          List.of("npm", "ci", "--no-audit", "--no-fund"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/cpu", "overlays/gpu"})
  void rendersAndValidates(String kustomization) {
    String rendered =
        Commands.run(
            DeployFiles.repository(),
            Map.of(),
            Duration.ofMinutes(1),
            List.of("kubectl", "kustomize", "deploy/k8s/" + kustomization));
    Commands.Result validation =
        Commands.tryRun(
            VALIDATOR, Map.of(), Duration.ofMinutes(1), List.of("node", "validate.mjs"), rendered);
    System.out.println("k8s " + kustomization + ":\n" + validation.output());
    assertThat(validation.exitCode()).as(validation.output()).isZero();
    assertThat(validation.output()).contains("10 objects, 0 invalid");
    if (kustomization.endsWith("gpu")) {
      assertThat(rendered)
          .contains("nvidia.com/gpu: \"1\"")
          .contains("image: modernbert-stream:gpu");
    } else {
      assertThat(rendered).doesNotContain("nvidia.com/gpu:");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"replicas: one", "containerPort: not-a-port"})
  void theValidatorRejectsABrokenObject(String breakage) {
    String rendered =
        Commands.run(
            DeployFiles.repository(),
            Map.of(),
            Duration.ofMinutes(1),
            List.of("kubectl", "kustomize", "deploy/k8s/overlays/cpu"));
    String broken =
        breakage.startsWith("replicas")
            ? rendered.replace("replicas: 1", breakage)
            : rendered.replace("containerPort: 8080", breakage);
    assertThat(broken).isNotEqualTo(rendered);
    Commands.Result validation =
        Commands.tryRun(
            VALIDATOR, Map.of(), Duration.ofMinutes(1), List.of("node", "validate.mjs"), broken);
    assertThat(validation.exitCode()).as(validation.output()).isEqualTo(1);
    assertThat(validation.output()).contains("INVALID apps/v1 StatefulSet modernbert-stream");
  }
}
