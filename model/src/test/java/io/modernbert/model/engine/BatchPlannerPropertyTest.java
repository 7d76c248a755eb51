package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of {@link BatchPlanner} on random documents (seeded, so a failure names its case):
 * every token is placed exactly once, contiguously, in a row that holds it; no pass exceeds the
 * 8,192-slot budget or computes an empty row; a row is never longer than the larger of twice its
 * pass's longest document and {@link BatchPlanner#PREFERRED_MIN_ROW}; and on realistic (lognormal)
 * workloads padding stays under 10% of the slots.
 */
class BatchPlannerPropertyTest {
  private static final int BUDGET = 8192;
  private static final List<BatchShape> SHAPES = BatchShape.standardSet(BUDGET, 8192, 128);
  private static final int PAD = 50283;

  /**
   * Length distributions: uniform over the whole range, short, lognormal around 200 tokens, and
   * mixes.
   */
  static Stream<Arguments> workloads() {
    List<Arguments> cases = new ArrayList<>();
    for (int seed = 1; seed <= 25; seed++) {
      for (String kind : List.of("uniform", "short", "lognormal", "bimodal")) {
        cases.add(Arguments.of(kind, seed));
      }
    }
    return cases.stream();
  }

  static List<int[]> documents(String kind, long seed) {
    Random random = new Random(seed);
    int count = 1 + random.nextInt(kind.equals("uniform") ? 40 : 600);
    List<int[]> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length =
          switch (kind) {
            case "uniform" -> 1 + random.nextInt(8192);
            case "short" -> 1 + random.nextInt(64);
            case "lognormal" ->
                (int) Math.min(8192, Math.max(3, Math.exp(5.3 + 0.8 * random.nextGaussian())));
            default ->
                random.nextInt(10) == 0 ? 2000 + random.nextInt(6192) : 2 + random.nextInt(100);
          };
      int base = i * 10_000; // token values name their document and position
      documents.add(IntStream.range(0, length).map(p -> base + p % 10_000).toArray());
    }
    return documents;
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("workloads")
  void everyTokenIsPlacedOnceWithinTheBudget(String kind, long seed) {
    List<int[]> documents = documents(kind, seed);
    List<PackedBatch> passes = new BatchPlanner(SHAPES, PAD).plan(documents);

    int[] placedTimes = new int[documents.size()];
    long tokens = 0;
    long slots = 0;
    for (PackedBatch pass : passes) {
      BatchShape shape = pass.shape();
      assertThat(SHAPES).contains(shape);
      assertThat(shape.slots()).isLessThanOrEqualTo(BUDGET);
      boolean[] rowUsed = new boolean[shape.rows()];
      boolean[] slotUsed = new boolean[shape.slots()];
      int longest = 0;
      for (PackedBatch.Placement placement : pass.placements()) {
        int[] document = documents.get(placement.document());
        placedTimes[placement.document()]++;
        assertThat(placement.length()).isEqualTo(document.length);
        int row = placement.offset() / shape.length();
        assertThat((placement.offset() + placement.length() - 1) / shape.length())
            .as("within one row")
            .isEqualTo(row);
        rowUsed[row] = true;
        longest = Math.max(longest, document.length);
        for (int p = 0; p < document.length; p++) {
          int slot = placement.offset() + p;
          assertThat(slotUsed[slot]).as("slot " + slot + " used twice").isFalse();
          slotUsed[slot] = true;
          assertThat(pass.ids()[slot]).isEqualTo(document[p]);
          assertThat(pass.positions()[slot]).isEqualTo(p);
        }
      }
      for (int slot = 0; slot < shape.slots(); slot++) {
        if (!slotUsed[slot]) {
          assertThat(pass.ids()[slot]).as("padding").isEqualTo(PAD);
          assertThat(pass.segments()[slot]).isEqualTo(-1);
        }
      }
      for (boolean used : rowUsed) {
        assertThat(used).as("no empty row in " + shape).isTrue();
      }
      assertThat(shape.length())
          .as("row length against the longest document " + longest)
          .isLessThanOrEqualTo(Math.max(2 * longest, BatchPlanner.PREFERRED_MIN_ROW));
      tokens += pass.tokens();
      slots += shape.slots();
    }
    for (int d = 0; d < documents.size(); d++) {
      assertThat(placedTimes[d]).as("document " + d + " placed once").isEqualTo(1);
    }
    assertThat(tokens).isEqualTo(documents.stream().mapToLong(d -> d.length).sum());
    if (kind.equals("lognormal") && tokens >= 4 * BUDGET) {
      assertThat(1 - tokens / (double) slots).as("padding share").isLessThan(0.10);
    }
  }
}
