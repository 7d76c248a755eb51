package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryBookTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000_000_000_000L;

  @Test
  void shouldRecordLatencyFromTheSendTimeOfTheFirstEmbeddingOnly() {
    DeliveryBook book = new DeliveryBook(2, T0);
    book.sent(0, T0);
    book.sent(1, T0 + 10 * MS);

    assertThat(book.embedding(0, T0 + 250 * MS)).isTrue();
    assertThat(book.embedding(0, T0 + 900 * MS)).as("a duplicate").isFalse();
    assertThat(book.embedding(1, T0 + 60 * MS)).isTrue();

    assertThat(book.latency().count()).isEqualTo(2);
    assertThat(book.latency().snapshot().getMaxValue() / 1000.0).isCloseTo(250, within(1.0));
    assertThat(book.latency().snapshot().getMinValue() / 1000.0).isCloseTo(50, within(0.1));
    assertThat(book.latency().elapsedSeconds())
        .as("first send to last first output")
        .isCloseTo(0.25, within(1e-9));
  }

  @Test
  void shouldListEachSentDocumentsLengthSendSecondAndFirstOutputLatency() {
    DeliveryBook book = new DeliveryBook(3, T0);
    book.sent(0, T0 + 1_000 * MS);
    book.sent(1, T0 + 1_500 * MS);
    book.embedding(0, T0 + 1_040 * MS, 5_000_000 + 1_025);
    book.embedding(0, T0 + 1_900 * MS, 5_000_000 + 1_800); // a duplicate changes nothing

    List<DocumentLatency> rows =
        book.perDocument(
            List.of(
                new LoadDocument("d-0", "a", 12),
                new LoadDocument("d-1", "b", 700),
                new LoadDocument("d-2", "c", 9)),
            new RunClock(T0, 5_000_000)); // second 0 of the run is epoch millisecond 5,000,000

    assertThat(rows).as("d-2 was never sent").hasSize(2);
    assertThat(rows.get(0).id()).isEqualTo("d-0");
    assertThat(rows.get(0).tokens()).isEqualTo(12);
    assertThat(rows.get(0).sentSecond()).isCloseTo(1.0, within(1e-9));
    assertThat(rows.get(0).latencyMs()).isCloseTo(40.0, within(1e-6));
    assertThat(rows.get(0).processedMs()).as("written 25 ms after the send").isEqualTo(25.0);
    assertThat(rows.get(1).received()).as("no output for d-1").isFalse();
  }

  @Test
  void shouldCountDuplicatesMissingAndSendErrorsPerId() {
    DeliveryBook book = new DeliveryBook(6, T0);
    for (int i = 0; i < 5; i++) {
      book.sent(i, T0 + i * MS);
    }
    book.embedding(0, T0 + 100 * MS);
    book.embedding(0, T0 + 200 * MS);
    book.embedding(1, T0 + 100 * MS);
    book.embedding(2, T0 + 100 * MS);
    book.embedding(2, T0 + 150 * MS);
    book.embedding(2, T0 + 170 * MS);
    book.failed(4);
    book.failed(4);
    book.labels(1);
    book.labels(1);

    assertThat(book.sent()).isEqualTo(5);
    assertThat(book.received()).as("ids with an embedding").isEqualTo(3);
    assertThat(book.duplicateEmbeddings()).as("ids 0 and 2").isEqualTo(2);
    assertThat(book.missing()).as("id 3; id 4 failed to send, id 5 was never sent").isEqualTo(1);
    assertThat(book.failures()).isEqualTo(1);
    assertThat(book.labelled()).isEqualTo(1);
    assertThat(book.duplicateLabels()).isEqualTo(1);
    assertThat(book.missingLabels()).as("ids 0, 2 and 3").isEqualTo(3);
    assertThat(book.latency().count()).as("one latency per id").isEqualTo(3);
  }

  @Test
  void shouldLeaveOutputsOfOtherRunsAndUnsentIdsOutOfTheNumbers() {
    DeliveryBook book = new DeliveryBook(3, T0);
    book.sent(0, T0);

    assertThat(book.embedding(1, T0 + MS)).as("never sent").isFalse();
    assertThat(book.embedding(7, T0 + MS)).as("beyond this run").isFalse();
    assertThat(book.embedding(-1, T0 + MS)).isFalse();
    book.labels(2);
    book.foreign();

    assertThat(book.foreignOutputs()).isEqualTo(5);
    assertThat(book.received()).isZero();
    assertThat(book.latency().count()).isZero();
    assertThat(book.missing()).isEqualTo(1);
  }

  @Test
  void shouldBeCompleteWhenEveryAcceptedDocumentHasItsOutputs() {
    DeliveryBook book = new DeliveryBook(3, T0);
    book.sent(0, T0);
    book.sent(1, T0);
    book.sent(2, T0);
    book.failed(2);
    book.embedding(0, T0 + MS);
    assertThat(book.complete(false)).isFalse();

    book.embedding(1, T0 + MS);
    assertThat(book.complete(false)).as("the refused document is not waited for").isTrue();
    assertThat(book.complete(true)).as("labels still missing").isFalse();

    book.labels(0);
    book.labels(1);
    assertThat(book.complete(true)).isTrue();
  }

  @Test
  void shouldGivePercentilesOfTheRecordedLatencies() {
    DeliveryBook book = new DeliveryBook(1000, T0);
    for (int i = 0; i < 1000; i++) { // latencies 1..1000 ms
      book.sent(i, T0);
      book.embedding(i, T0 + (i + 1) * MS);
    }

    LatencyStats latency = book.latency();
    assertThat(latency.percentileMs(50)).isCloseTo(500, within(1.0));
    assertThat(latency.percentileMs(90)).isCloseTo(900, within(1.0));
    assertThat(latency.percentileMs(99)).isCloseTo(990, within(1.0));
    assertThat(latency.percentileMs(100)).isCloseTo(1000, within(1.0));
  }
}
