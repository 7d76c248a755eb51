package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimelineTest {
  @Test
  void shouldScheduleDocumentsOnAFixedTimelineAtTheRate() {
    Timeline timeline = new Timeline(200);

    assertThat(timeline.due(1_000, 0)).isEqualTo(1_000);
    assertThat(timeline.due(1_000, 1)).isEqualTo(1_000 + 5_000_000);
    assertThat(timeline.due(1_000, 200)).isEqualTo(1_000 + 1_000_000_000);
  }

  @Test
  void shouldWaitForTheIntendedTimeAndCountLatencyFromIt() {
    Timeline timeline = new Timeline(100);
    long start = System.nanoTime();

    long due = timeline.await(start, 5);

    assertThat(due).isEqualTo(start + 50_000_000);
    assertThat(System.nanoTime()).isGreaterThanOrEqualTo(due);
    // Late already: no wait, and the latency still counts from the intended time, not from now.
    long late = timeline.await(start - 10_000_000_000L, 3);
    assertThat(late).isEqualTo(start - 10_000_000_000L + 30_000_000);
  }

  @Test
  void shouldNotWaitInBurstMode() {
    long before = System.nanoTime();
    long due = Timeline.burst().await(before, 1_000_000);

    assertThat(due).isBetween(before, System.nanoTime());
  }

  @Test
  void shouldParseDurationsAsPeopleTypeThem() {
    DurationConverter converter = new DurationConverter();

    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(converter.convert("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> converter.convert("soon")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> new Timeline(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(DurationConverter.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationConverter.format(Duration.ofHours(2))).isEqualTo("2h");
  }

  @Test
  void shouldCountEventsPerSecondFromTheOrigin() {
    long origin = 5_000_000_000L;
    SecondSeries series = new SecondSeries(origin);
    for (double second : new double[] {0.5, 1.2, 1.7, 3.1, 3.9, 3.95}) {
      series.add(origin + (long) (second * 1e9));
    }
    series.add(origin - 1); // before the origin: second 0

    assertThat(series.counts()).containsExactly(2, 2, 0, 3);
    assertThat(series.recent(origin + 4_100_000_000L, 2)).as("seconds 2 and 3").isEqualTo(3);
  }
}
