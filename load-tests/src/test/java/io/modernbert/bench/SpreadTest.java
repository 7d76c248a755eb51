package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {
  @Test
  void shouldTakeTheMiddleValueOfAnOddCount() {
    Spread spread = Spread.of(List.of(1.30, 1.10, 1.20));

    assertThat(spread.median()).isEqualTo(1.20);
    assertThat(spread.min()).isEqualTo(1.10);
    assertThat(spread.max()).isEqualTo(1.30);
    assertThat(spread.values()).containsExactly(1.30, 1.10, 1.20);
  }

  @Test
  void shouldAverageTheTwoMiddleValuesOfAnEvenCount() {
    Spread spread = Spread.of(List.of(1.0, 4.0, 2.0, 3.0));

    assertThat(spread.median()).isEqualTo(2.5);
    assertThat(spread.min()).isEqualTo(1.0);
    assertThat(spread.max()).isEqualTo(4.0);
  }

  @Test
  void shouldKeepAnOutlierOutOfTheMedian() {
    assertThat(Spread.of(List.of(1.12, 0.70, 1.10)).median()).isEqualTo(1.10);
  }

  @Test
  void shouldBeItsOwnMedianAlone() {
    Spread spread = Spread.of(List.of(0.86));

    assertThat(spread.median()).isEqualTo(0.86);
    assertThat(spread.min()).isEqualTo(0.86);
    assertThat(spread.max()).isEqualTo(0.86);
  }

  @Test
  void shouldRefuseNoValues() {
    assertThatThrownBy(() -> Spread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
