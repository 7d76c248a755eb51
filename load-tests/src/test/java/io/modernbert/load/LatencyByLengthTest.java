package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyByLengthTest {
  @Test
  void shouldPutEachLengthInItsClass() {
    assertThat(LengthClass.of(2)).isEqualTo(LengthClass.UP_TO_128);
    assertThat(LengthClass.of(128)).isEqualTo(LengthClass.UP_TO_128);
    assertThat(LengthClass.of(129)).isEqualTo(LengthClass.UP_TO_256);
    assertThat(LengthClass.of(512)).isEqualTo(LengthClass.UP_TO_512);
    assertThat(LengthClass.of(1024)).isEqualTo(LengthClass.UP_TO_1024);
    assertThat(LengthClass.of(1025)).isEqualTo(LengthClass.OVER_1024);
    assertThat(LengthClass.of(8192)).isEqualTo(LengthClass.OVER_1024);
  }

  @Test
  void shouldGiveNearestRankPercentilesPerClass() {
    List<DocumentLatency> documents = new ArrayList<>();
    for (int i = 1; i <= 100; i++) { // 100 short documents at 1..100 ms
      documents.add(new DocumentLatency("s" + i, 50, 0, i, Double.NaN));
    }
    documents.add(new DocumentLatency("l1", 2000, 0, 900, Double.NaN));
    documents.add(new DocumentLatency("l2", 3000, 0, Double.NaN, Double.NaN)); // no answer

    Map<LengthClass, Percentiles> classes = LatencyByLength.overall(documents);

    assertThat(classes).containsOnlyKeys(LengthClass.values());
    assertThat(classes.get(LengthClass.UP_TO_128)).isEqualTo(new Percentiles(100, 50, 90, 99, 100));
    assertThat(classes.get(LengthClass.OVER_1024))
        .isEqualTo(new Percentiles(1, 900, 900, 900, 900));
    assertThat(classes.get(LengthClass.UP_TO_256)).isEqualTo(Percentiles.NONE);
  }

  @Test
  void shouldGroupAnswersInWindowsOfAnswerTimePerClass() {
    List<DocumentLatency> documents =
        List.of(
            // Sent at 0 s, answered at 0.1 and 6 s: windows 0 and 5.
            new DocumentLatency("a", 100, 0, 100, Double.NaN),
            new DocumentLatency("b", 100, 0, 6_000, Double.NaN),
            // Sent at 3 s, answered at 3.2 s: window 0 of its class.
            new DocumentLatency("c", 600, 3, 200, Double.NaN),
            new DocumentLatency("d", 600, 4, Double.NaN, Double.NaN));

    Map<LengthClass, List<LatencyByLength.Window>> series = LatencyByLength.overTime(documents, 5);

    assertThat(series).containsOnlyKeys(LengthClass.UP_TO_128, LengthClass.UP_TO_1024);
    assertThat(series.get(LengthClass.UP_TO_128))
        .extracting(LatencyByLength.Window::fromSecond)
        .containsExactly(0.0, 5.0);
    assertThat(series.get(LengthClass.UP_TO_128).get(1).latency().p99()).isEqualTo(6_000);
    assertThat(series.get(LengthClass.UP_TO_1024)).hasSize(1);
    assertThat(series.get(LengthClass.UP_TO_1024).get(0).latency().count()).isEqualTo(1);
  }

  @Test
  void shouldTakeTheDocumentsSentInTheFirstSeconds() {
    List<DocumentLatency> documents =
        List.of(
            new DocumentLatency("a", 100, 10, 500, Double.NaN),
            new DocumentLatency("b", 100, 59.9, 300, Double.NaN),
            new DocumentLatency("c", 100, 60, 10, Double.NaN),
            new DocumentLatency("d", 100, 61, 20, Double.NaN));

    Percentiles first = LatencyByLength.sentWithin(documents, 60);

    assertThat(first.count()).isEqualTo(2);
    assertThat(first.p99()).isEqualTo(500);
    assertThat(first.p50()).isEqualTo(300);
  }
}
