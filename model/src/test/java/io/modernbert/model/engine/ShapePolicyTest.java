package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modernbert.model.graph.BatchShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which shapes a pass may use, with a warm set the test controls. */
class ShapePolicyTest {
  private static final List<BatchShape> SHAPES = BatchShape.standardSet(8192, 8192, 64);
  private final Set<BatchShape> warm = new HashSet<>();
  private final ShapePolicy policy = new ShapePolicy(SHAPES, 0, warm::contains);

  private static List<int[]> documents(int count, int minTokens, int maxTokens, long seed) {
    Random random = new Random(seed);
    List<int[]> documents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      documents.add(new int[minTokens + random.nextInt(maxTokens - minTokens + 1)]);
    }
    return documents;
  }

  private static Set<BatchShape> shapesOf(List<PackedBatch> plan) {
    Set<BatchShape> shapes = new HashSet<>();
    plan.forEach(pass -> shapes.add(pass.shape()));
    return shapes;
  }

  @Test
  void shouldPlanOnWarmShapesOnlyAndPadIntoALargerWarmOneRatherThanCompile() {
    warm.addAll(List.of(new BatchShape(1, 128), new BatchShape(2, 128), new BatchShape(1, 8192)));
    List<int[]> documents = documents(30, 20, 120, 1);
    documents.add(new int[3000]);

    List<PackedBatch> plan = policy.plan(documents, ShapeScope.warm(Integer.MAX_VALUE), 3);

    assertThat(shapesOf(plan)).isSubsetOf(warm);
    assertThat(plan.stream().mapToInt(pass -> pass.placements().size()).sum()).isEqualTo(31);
  }

  @Test
  void shouldUseALengthsRowsOnlyUpToTheFirstThatIsCold() {
    warm.addAll(List.of(new BatchShape(1, 128), new BatchShape(4, 128), new BatchShape(8, 128)));

    assertThat(policy.usable(ShapeScope.warm(Integer.MAX_VALUE)))
        .containsExactly(new BatchShape(1, 128));
  }

  @Test
  void shouldRunADocumentNoWarmShapeHoldsOnTheSmallestOneRowShapeThatDoes() {
    warm.addAll(List.of(new BatchShape(1, 128), new BatchShape(1, 256)));

    List<PackedBatch> plan =
        policy.plan(List.of(new int[100], new int[2500]), ShapeScope.warm(Integer.MAX_VALUE), 2);

    assertThat(shapesOf(plan))
        .contains(new BatchShape(1, 4096))
        .doesNotContain(new BatchShape(1, 8192));
  }

  @Test
  void shouldKeepAServingScopeWithinItsSlots() {
    warm.addAll(SHAPES);

    List<PackedBatch> plan =
        policy.plan(documents(200, 10, 1000, 2), ShapeScope.warm(1024), SHAPES.size());

    assertThat(plan).allSatisfy(pass -> assertThat(pass.shape().slots()).isLessThanOrEqualTo(1024));
  }

  @Test
  void shouldReplanWhenTheWarmSetGrows() {
    warm.add(new BatchShape(1, 128));
    List<int[]> documents = documents(8, 50, 100, 3);
    assertThat(shapesOf(policy.plan(documents, ShapeScope.warm(1024), 1)))
        .containsExactly(new BatchShape(1, 128));

    warm.addAll(List.of(new BatchShape(2, 128), new BatchShape(4, 128), new BatchShape(8, 128)));

    List<PackedBatch> replanned = policy.plan(documents, ShapeScope.warm(1024), 4);
    assertThat(replanned.size()).isLessThan(8);
    assertThat(shapesOf(replanned)).isSubsetOf(warm);
  }

  @Test
  void shouldSayWhenADocumentIsLongerThanEveryShape() {
    assertThatThrownBy(() -> policy.plan(List.of(new int[9000]), ShapeScope.ALL, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9000 tokens");
  }
}
