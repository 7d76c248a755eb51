package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.modernbert.model.testing.Fixtures;
import org.junit.jupiter.api.Test;

class SessionFactoryTest {
  @Test
  void shouldRecognizeTheCpuJitFlagAmongOtherXlaFlags() {
    assertThat(SessionFactory.cpuJitAllowed("--tf_xla_cpu_global_jit")).isTrue();
    assertThat(SessionFactory.cpuJitAllowed(" --tf_xla_auto_jit=2   --tf_xla_cpu_global_jit "))
        .isTrue();
    assertThat(SessionFactory.cpuJitAllowed("--tf_xla_auto_jit=2")).isFalse();
    assertThat(SessionFactory.cpuJitAllowed(null)).isFalse();
  }

  @Test
  void shouldRefuseXlaOnCpuWhenTheFlagIsMissingInsteadOfSilentlyRunningWithoutIt() {
    // Maven's test JVM does not set TF_XLA_FLAGS (bin/modernbert does); where it is set, this
    // case cannot happen and the test reports itself skipped.
    assumeFalse(SessionFactory.cpuJitAllowed(System.getenv("TF_XLA_FLAGS")));
    assertThatThrownBy(
            () ->
                InferenceEngine.load(
                    Fixtures.TINY_CLASSIFIER, Fixtures.testOptions().withXla(XlaMode.FULL)))
        .hasMessageContaining("TF_XLA_FLAGS=--tf_xla_cpu_global_jit");
  }
}
