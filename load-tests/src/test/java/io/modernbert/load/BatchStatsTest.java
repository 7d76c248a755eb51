package io.modernbert.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class BatchStatsTest {
  private static RecordHeaders headers(String id, int documents, int tokens, Integer slots) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(BatchStats.ID, id.getBytes(StandardCharsets.UTF_8));
    headers.add(BatchStats.DOCUMENTS, Integer.toString(documents).getBytes(StandardCharsets.UTF_8));
    headers.add(BatchStats.TOKENS, Integer.toString(tokens).getBytes(StandardCharsets.UTF_8));
    headers.add(BatchStats.INFERENCE_MS, "42".getBytes(StandardCharsets.UTF_8));
    if (slots != null) {
      headers.add(BatchStats.SLOTS, Integer.toString(slots).getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }

  @Test
  void shouldCountEachBatchOnceHoweverManyOfItsOutputsAreRead() {
    BatchStats stats = new BatchStats();
    stats.record(headers("0_1-7", 3, 600, 1024));
    stats.record(headers("0_1-7", 3, 600, 1024));
    stats.record(headers("0_1-7", 3, 600, 1024));
    stats.record(headers("0_0-2", 1, 100, 128));

    List<BatchStats.Batch> batches = stats.batches();
    assertThat(batches).extracting(BatchStats.Batch::id).containsExactly("0_1-7", "0_0-2");
    assertThat(batches.get(0).documents()).isEqualTo(3);
    assertThat(batches.get(0).tokens()).isEqualTo(600);
    assertThat(batches.get(0).inferenceMs()).isEqualTo(42.0);
    assertThat(batches.get(0).paddingShare()).isCloseTo(1 - 600.0 / 1024, within(1e-12));
    assertThat(BatchStats.paddingShare(batches))
        .as("1 - 700/1152")
        .isCloseTo(1 - 700.0 / 1152, within(1e-12));
  }

  @Test
  void shouldReportNoPaddingWhenTheServiceSendsNoSlots() {
    BatchStats stats = new BatchStats();
    stats.record(headers("a", 2, 300, null));

    assertThat(stats.batches())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.slots()).isEqualTo(-1);
              assertThat(b.paddingShare()).isNaN();
            });
    assertThat(BatchStats.paddingShare(stats.batches())).isNaN();
  }

  @Test
  void shouldCountOutputsWithoutUsableBatchHeaders() {
    BatchStats stats = new BatchStats();
    stats.record(new RecordHeaders());
    RecordHeaders garbled = headers("b", 1, 10, null);
    garbled.remove(BatchStats.TOKENS);
    garbled.add(BatchStats.TOKENS, "ten".getBytes(StandardCharsets.UTF_8));
    stats.record(garbled);

    assertThat(stats.batches()).isEmpty();
    assertThat(stats.outputsWithoutHeaders()).isEqualTo(2);
  }
}
