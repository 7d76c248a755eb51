package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerBatchesTest {
  @Test
  void shouldKeepArrivalOrderInBatchesOfAtMost32() {
    Workload load = Workload.lognormal(400, 42);

    List<List<int[]>> batches = PeerBatches.arrival(load.documents());

    assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(32));
    assertThat(batches.stream().flatMap(List::stream).toList())
        .containsExactlyElementsOf(load.documents());
    assertThat(batches)
        .allSatisfy(
            batch ->
                assertThat(
                        (long) batch.size()
                            * batch.stream().mapToInt(d -> d.length).max().orElseThrow())
                    .isLessThanOrEqualTo(
                        Math.max(PeerBatches.MAX_PADDED_SLOTS, batch.get(0).length)));
  }

  @Test
  void shouldPadLessWhenSorted() {
    Workload load = Workload.lognormal(400, 42);

    long arrival = PeerBatches.paddedSlots(PeerBatches.arrival(load.documents()));
    long sorted = PeerBatches.paddedSlots(PeerBatches.sorted(load.documents()));

    assertThat(sorted).isLessThan(arrival);
    assertThat(sorted).isGreaterThanOrEqualTo(load.tokens());
  }

  @Test
  void shouldBatchFixedWorkloadsByAboutAThousandTokens() {
    assertThat(PeerBatches.fixed(Workload.fixed(128, 16, 1).documents())).hasSize(2);
    assertThat(PeerBatches.fixed(Workload.fixed(2048, 3, 1).documents())).hasSize(3);
  }
}
