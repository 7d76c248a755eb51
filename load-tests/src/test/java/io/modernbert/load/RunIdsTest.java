package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunIdsTest {
  @Test
  void shouldParseTheIndexOfItsOwnIdsOnly() {
    RunIds ids = new RunIds("abc");

    assertThat(ids.id(17)).isEqualTo("load-abc-17");
    assertThat(ids.index("load-abc-17")).isEqualTo(17);
    assertThat(ids.index("load-abc-0")).isZero();
    assertThat(ids.index("load-abd-17")).isEqualTo(-1);
    assertThat(ids.index("load-abc-")).isEqualTo(-1);
    assertThat(ids.index("load-abc-1x")).isEqualTo(-1);
    assertThat(ids.index("load-abc-12345678901")).isEqualTo(-1);
    assertThat(ids.index("doc-1")).isEqualTo(-1);
    assertThat(ids.index(null)).isEqualTo(-1);
  }

  @Test
  void shouldMakeADifferentRunIdEveryTime() {
    RunIds first = RunIds.fresh();
    RunIds second = RunIds.fresh();

    assertThat(first.runId()).isNotEqualTo(second.runId()).doesNotContain("-");
    assertThat(first.index(second.id(3))).isEqualTo(-1);
  }

  @Test
  void shouldGiveTheProbeAnIdOfTheRunThatIsNeverADocument() {
    RunIds ids = new RunIds("abc");

    assertThat(ids.probeId()).startsWith("load-abc-");
    assertThat(ids.index(ids.probeId())).isEqualTo(-1);
  }

  @Test
  void shouldRejectARunIdWithADash() {
    assertThatThrownBy(() -> new RunIds("a-b")).isInstanceOf(IllegalArgumentException.class);
  }
}
